import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_AUDIENCE,
  estimate,
  PRICES,
  QUOTAS,
  renderScaleDoc,
  replaceGenerated,
  revocationCapacity,
} from '../../bench/scale-model';

test('docs/scale.md carries exactly the tables the script computes (npm run scale -- --write)', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'scale.md'), 'utf8');
  expect(replaceGenerated(doc, renderScaleDoc())).toBe(doc);
});

test('one audience worked by hand: 1,000 VOD viewers, 2 s segments, 300 hours a month', () => {
  const e = estimate({ ...DEFAULT_AUDIENCE, viewers: 1000, hours: 300 });
  expect(e.requestsPerSecond).toBe(500); // 1,000 / 2 s
  expect(e.requestsPerMonth).toBe(540_000_000); // 500 × 300 × 3,600
  // 540 × $0.60, plus 540e6 × 0.001 s × 0.125 GB × $0.00005001
  expect(e.lambda.edgeCostPerMonth).toBeCloseTo(324 + 3.375675, 6);
  expect(e.function.edgeCostPerMonth).toBeCloseTo(54, 6); // 540 × $0.10
  expect(e.function.kvsCostPerMonth).toBeCloseTo(48.6, 6); // 3 reads × 540 × $0.03
  expect(e.lambda.quotaUse).toBeCloseTo(0.05, 9); // 500 / 10,000
  expect(e.lambda.viewersAtQuota).toBe(20_000);
  expect(e.function.viewersAtQuota).toBe(500_000); // 250,000 / 0.5
});

test('live doubles the rate (playlist reloads); renditions do not change it; duration rounds up to 1 ms steps', () => {
  const vod = estimate({ ...DEFAULT_AUDIENCE, viewers: 10, hours: 1 });
  expect(estimate({ ...DEFAULT_AUDIENCE, viewers: 10, hours: 1, live: true }).requestsPerSecond).toBe(10);
  expect(estimate({ ...DEFAULT_AUDIENCE, viewers: 10, hours: 1, renditions: 9 }).requestsPerSecond).toBe(
    vod.requestsPerSecond,
  );
  expect(
    estimate({ ...DEFAULT_AUDIENCE, viewers: 10, hours: 1, lambdaMs: 0.2 }).lambda.edgeCostPerMonth,
  ).toBe(vod.lambda.edgeCostPerMonth);
});

test('revocations that fit in 5,000,000 bytes: rs:<22-char sid> → 10-digit epoch is 35 bytes', () => {
  const c = revocationCapacity({ sidChars: 22, subChars: 16, reservedBytes: 0 });
  expect(c.sessionEntryBytes).toBe(35);
  expect(c.userEntryBytes).toBe(3 + 16 + 21);
  expect(c.sessions).toBe(142_857); // floor(5,000,000 / 35)
});

test('every constant names its source and the day it was read; unconfirmed ones say so in the doc', () => {
  for (const c of Object.values({ ...PRICES, ...QUOTAS })) {
    expect(c.source.length).toBeGreaterThan(10);
    expect(c.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
  expect(renderScaleDoc()).toContain('**not confirmed**');
});
