import Foundation
import SQLKit
import TongbaoCore

/// Accounts, sessions and API tokens. The store keeps only hashes: a bcrypt hash of each password, and a
/// SHA-256 hash of each session and API token, which the server computes.
extension SQLStore {
    public func addUser(_ account: Account, passwordHash: String, at: Date, change: Change?) async throws {
        try await transaction {
            // Names that differ only in case, width or composition are one name to a reader of the audit log
            // ("Admin" beside "admin", "ＡＤＭＩＮ", "admín" written two ways). The accounts are few: compared here.
            let key = Account.nameKey(account.name)
            for row in try await db.raw("SELECT name FROM users").all() {
                let existing = try row.decode(column: "name", as: String.self)
                if Account.nameKey(existing) == key { throw StoreError.userExists(existing) }
            }
            guard try await districtUnlocked(account.district) != nil else {
                throw StoreError.unknownDistrict(account.district)
            }
            try await db.raw(
                """
                INSERT INTO users (name, district, role, unit, password_hash, created_at)
                VALUES (\(bind: account.name), \(bind: account.district), \(bind: account.role.rawValue),
                \(bind: account.unit), \(bind: passwordHash), \(bind: Self.timestamp(at)))
                """
            ).run()
            let role = [account.role.rawValue, account.unit].compactMap { $0 }.joined(separator: " ")
            try await auditAccount(account.name, "role", old: nil, new: role, change)
        }
    }

    /// The account and its password hash.
    public func account(_ name: String) async throws -> (Account, passwordHash: String)? {
        try await reading { try await accountUnlocked(name) }
    }

    /// The account of `name`; nil for none or a disabled one (it signs in nowhere).
    func accountUnlocked(_ name: String) async throws -> (Account, passwordHash: String)? {
        guard let r = try await db.raw("SELECT * FROM users WHERE name = \(bind: name) AND disabled = 0").first()
        else { return nil }
        return (try Self.account(r), try r.decode(column: "password_hash", as: String.self))
    }

    /// Whether an account of this name exists, disabled or not.
    public func accountExists(_ name: String) async throws -> Bool {
        try await reading { try await db.raw("SELECT 1 AS x FROM users WHERE name = \(bind: name)").first() != nil }
    }

    /// A new password ends every session and API token of the account: whoever knew the old one is out.
    public func setPassword(_ name: String, passwordHash: String, change: Change?) async throws {
        try await transaction {
            try await db.raw("UPDATE users SET password_hash = \(bind: passwordHash) WHERE name = \(bind: name)").run()
            try await endSessions(of: name)
            try await auditAccount(name, "password", old: nil, new: "已更改", change)
        }
    }

    /// Disables (or enables again) an account; disabling ends its sessions and API tokens.
    public func setDisabled(_ name: String, _ disabled: Bool, change: Change?) async throws {
        try await transaction {
            let was = try await db.raw("SELECT disabled FROM users WHERE name = \(bind: name)").first()?.decode(
                column: "disabled", as: Int.self)
            try await db.raw("UPDATE users SET disabled = \(bind: disabled ? 1 : 0) WHERE name = \(bind: name)").run()
            if disabled { try await endSessions(of: name) }
            if let was, (was != 0) != disabled {
                try await auditAccount(name, "disabled", old: was != 0 ? "是" : "否", new: disabled ? "是" : "否", change)
            }
        }
    }

    /// Writes one audit entry of an account change (in the account's district) when the change names who made it.
    /// A password is never written, only that it changed; a token by its id.
    func auditAccount(_ name: String, _ column: String, old: String?, new: String?, _ change: Change?) async throws {
        guard let change,
            let district = try await db.raw("SELECT district FROM users WHERE name = \(bind: name)").first()?.decode(
                column: "district", as: String.self)
        else { return }
        try await appendAudit(
            district: district, change: change, table: "users", key: name, column: column, old: old, new: new)
    }

    func endSessions(of name: String) async throws {
        try await db.raw("DELETE FROM sessions WHERE user_name = \(bind: name)").run()
        try await db.raw("DELETE FROM api_tokens WHERE user_name = \(bind: name)").run()
    }

    public func users(district: String) async throws -> [Account] {
        try await reading {
            try await db.raw("SELECT * FROM users WHERE district = \(bind: district) ORDER BY name").all().map(
                Self.account)
        }
    }

    static func account(_ r: any SQLRow) throws -> Account {
        let roleText = try r.decode(column: "role", as: String.self)
        guard let role = Role(rawValue: roleText) else { throw StoreError.corruptRow(table: "users", key: roleText) }
        return Account(
            name: try r.decode(column: "name", as: String.self),
            district: try r.decode(column: "district", as: String.self), role: role,
            unit: try r.decode(column: "unit", as: String?.self))
    }

    // MARK: - Sessions

    public func createSession(tokenHash: String, user: String, csrf: String, created: Date, expires: Date) async throws
    {
        try await serialized {
            // Sessions past their end are cleared here, with a write that happens anyway, not on every page.
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: Self.timestamp(created))").run()
            try await db.raw(
                """
                INSERT INTO sessions (token_hash, user_name, csrf, expires_at, last_seen)
                VALUES (\(bind: tokenHash), \(bind: user), \(bind: csrf), \(bind: Self.timestamp(expires)),
                \(bind: Self.timestamp(created)))
                """
            ).run()
        }
    }

    /// The account and CSRF token of a live session: not past its absolute end, and used within `idle` seconds
    /// (its last use is written at most once a minute, or a quarter of `idle`). An expired or idle session is
    /// deleted. A session starts as used at its creation. Most requests only read (beside a save's writes).
    public func session(tokenHash: String, now: Date, idle: TimeInterval) async throws -> (Account, csrf: String)? {
        let found = try await reading {
            try await db.raw(
                """
                SELECT u.*, s.csrf, s.last_seen, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name
                WHERE s.token_hash = \(bind: tokenHash) AND u.disabled = 0
                """
            ).first().map { r in
                (
                    account: try Self.account(r), csrf: try r.decode(column: "csrf", as: String.self),
                    seen: try r.decode(column: "last_seen", as: String?.self).flatMap(Self.date),
                    expires: try r.decode(column: "expires_at", as: String.self)
                )
            }
        }
        guard let found else { return nil }
        if found.expires < Self.timestamp(now) || found.seen.map({ now.timeIntervalSince($0) > idle }) ?? false {
            try await serialized {
                try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
            }
            return nil
        }
        // Written at most once a minute (every request would be a write), more often for a short idle time.
        if found.seen.map({ now.timeIntervalSince($0) >= min(60, idle / 4) }) ?? true {
            try await serialized {
                try await db.raw(
                    "UPDATE sessions SET last_seen = \(bind: Self.timestamp(now)) WHERE token_hash = \(bind: tokenHash)"
                ).run()
            }
        }
        return (found.account, found.csrf)
    }

    public func deleteSession(tokenHash: String) async throws {
        try await serialized { try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run() }
    }

    // MARK: - API tokens

    public func addToken(tokenHash: String, user: String, at: Date, expires: Date, change: Change?) async throws {
        try await transaction {
            try await db.raw(
                """
                INSERT INTO api_tokens (token_hash, user_name, created_at, expires_at)
                VALUES (\(bind: tokenHash), \(bind: user), \(bind: Self.timestamp(at)), \(bind: Self.timestamp(expires)))
                """
            ).run()
            try await auditAccount(user, "token", old: nil, new: APIToken.id(ofHash: tokenHash), change)
        }
    }

    /// The account of a live API token: its account enabled, the token not past its expiry (a token of before
    /// expiries existed lives ``APIToken/defaultLifetime`` from its creation).
    public func account(tokenHash: String, now: Date) async throws -> Account? {
        try await reading {
            guard
                let r = try await db.raw(
                    """
                    SELECT u.*, t.created_at AS token_created, t.expires_at AS token_expires
                    FROM api_tokens t JOIN users u ON u.name = t.user_name
                    WHERE t.token_hash = \(bind: tokenHash) AND u.disabled = 0
                    """
                ).first()
            else { return nil }
            let token = try Self.token(r, hash: tokenHash, created: "token_created", expires: "token_expires")
            return token.expires > now ? try Self.account(r) : nil
        }
    }

    /// The API tokens of an account, newest first (their ids, never the tokens).
    public func tokens(user: String) async throws -> [APIToken] {
        try await reading {
            try await db.raw("SELECT * FROM api_tokens WHERE user_name = \(bind: user) ORDER BY created_at DESC").all()
                .map { try Self.token($0, hash: try $0.decode(column: "token_hash", as: String.self)) }
        }
    }

    /// Revokes the token of `user` whose id is `id`; false when the account has none of that id.
    public func revokeToken(user: String, id: String, change: Change?) async throws -> Bool {
        try await transaction {
            let hashes = try await db.raw("SELECT token_hash FROM api_tokens WHERE user_name = \(bind: user)").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            guard let hash = hashes.first(where: { APIToken.id(ofHash: $0) == id.lowercased() }) else { return false }
            try await db.raw("DELETE FROM api_tokens WHERE token_hash = \(bind: hash)").run()
            try await auditAccount(user, "token", old: APIToken.id(ofHash: hash), new: nil, change)
            return true
        }
    }

    /// Deletes an account: its sessions and API tokens end with it. What it changed stays in the audit log
    /// under its name.
    public func deleteUser(_ name: String, change: Change?) async throws {
        try await transaction {
            try await auditAccount(name, "*", old: "账号", new: nil, change)
            try await endSessions(of: name)
            try await db.raw("DELETE FROM users WHERE name = \(bind: name)").run()
        }
    }

    static func token(_ r: any SQLRow, hash: String, created: String = "created_at", expires: String = "expires_at")
        throws -> APIToken
    {
        let made = Self.date(try r.decode(column: created, as: String.self)) ?? .distantPast
        let ends = try r.decode(column: expires, as: String?.self).flatMap(Self.date)
        return APIToken(
            id: APIToken.id(ofHash: hash), created: made,
            expires: ends ?? made.addingTimeInterval(APIToken.defaultLifetime))
    }

    /// ISO 8601 in UTC (`2021-08-31T09:30:00Z`), by Foundation's own format style (no ICU formatter per call).
    static func date(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }

    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }
}
