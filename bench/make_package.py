#!/usr/bin/env python3
"""Writes a data package for the import benchmark: the sample's unit directory and N case records of one month,
skewed like the seed (社会保险中心 and 区税务局 dominate). Seeded, so every run writes the same bytes."""
import csv, random, shutil, sys, os

def main(out, rows, seed=7):
    here = os.path.dirname(os.path.abspath(__file__))
    sample = os.path.join(here, '..', 'Sources', 'tongbao', 'Sample', 'yubei-2021-07')
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(sample, 'units.csv'), os.path.join(out, 'units.csv'))
    with open(os.path.join(sample, 'cases.csv'), encoding='utf-8') as f:
        weights = {r['unit']: max(1, int(r['done_immediate']) + int(r['done_promised'])) for r in csv.DictReader(f)}
    units, w = list(weights), list(weights.values())
    rng = random.Random(seed)
    ratings = ['非常满意', '满意', '基本满意', '不满意', '非常不满意', '', '', '']
    scopes = [''] * 20 + ['全渝通办', '跨省通办', '川渝通办']
    with open(os.path.join(out, 'case_records.csv'), 'w', encoding='utf-8', newline='') as f:
        cw = csv.writer(f, lineterminator='\n')
        cw.writerow(['case_id', 'unit', 'item', 'category', 'kind', 'received_at', 'completed_at', 'promised_days',
                     'rating', 'scope', 'channel'])
        picks = rng.choices(units, weights=w, k=rows)
        for i, unit in enumerate(picks):
            day = rng.randint(1, 31)
            promised = rng.random() < 0.12
            days = rng.choice([3, 5, 10, 20]) if promised else 0
            hour = rng.randint(8, 16)
            done_day = min(31, day + (rng.randint(0, days + 2) if promised else 0))
            done_hour = rng.randint(hour, 17) if done_day == day else rng.randint(8, 17)
            completed = '' if promised and rng.random() < 0.05 else f'2021-07-{done_day:02d} {done_hour:02d}:30:00'
            cw.writerow([f'YB2021070{i:07d}', unit, '事项' + str(i % 97), '审批' if rng.random() < 0.58 else '服务',
                         '承诺' if promised else '即办', f'2021-07-{day:02d} {hour:02d}:00:00', completed,
                         days, rng.choice(ratings), rng.choice(scopes), rng.choice(['窗口', '网上', '自助'])])

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300_000)
