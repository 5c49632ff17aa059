import { KVS_STORE_MAX_BYTES, LAMBDA_EDGE_RPS_PER_REGION } from '../src/cloudfront/aws-rules';

/**
 * The cost and headroom model behind docs/scale.md: requests per second, edge invocations, monthly
 * edge cost and headroom against the quotas, for each edge mode, from an audience and from price
 * and quota constants that carry their source and the date they were read.
 */
export interface Constant {
  value: number;
  unit: string;
  source: string;
  /** When the value was read from the source. */
  read: string;
  /** False when no page found through the project's search confirmed the value (then it says so). */
  verified: boolean;
}

const PRICING = 'https://aws.amazon.com/cloudfront/pricing/';

export const PRICES = {
  cloudFrontFunctionPerMillion: {
    value: 0.1,
    unit: 'USD per 1M invocations',
    source: `Amazon CloudFront pricing (${PRICING}), CloudFront Functions; also the AWS Cost and Usage Report code Executions-CloudFrontFunctions ("$0.10 per 1 million invocations")`,
    read: '2026-11-29',
    verified: true,
  },
  lambdaEdgeRequestPerMillion: {
    value: 0.6,
    unit: 'USD per 1M requests',
    source: `Amazon CloudFront pricing (${PRICING}), Lambda@Edge: requests`,
    read: '2026-11-29',
    verified: true,
  },
  lambdaEdgeGbSecond: {
    value: 0.00005001,
    unit: 'USD per GB-second',
    source: `Amazon CloudFront pricing (${PRICING}), Lambda@Edge: duration, billed in 1 ms steps since April 2021 ("Lambda@Edge billing granularity" announcement)`,
    read: '2026-11-29',
    verified: true,
  },
  kvsReadPerMillion: {
    value: 0.03,
    unit: 'USD per 1M reads',
    source: `Amazon CloudFront pricing (${PRICING}), CloudFront KeyValueStore reads (2,000,000 reads a month are in the free tier)`,
    read: '2026-11-29',
    // The free-tier line was found on the pricing page; the per-read price was not in any text the
    // search returned: check it before relying on the KeyValueStore column.
    verified: false,
  },
} satisfies Record<string, Constant>;

export const QUOTAS = {
  lambdaEdgeRpsPerRegion: {
    value: LAMBDA_EDGE_RPS_PER_REGION.value,
    unit: 'requests per second in each Region (adjustable)',
    source: `${LAMBDA_EDGE_RPS_PER_REGION.source.page}, "${LAMBDA_EDGE_RPS_PER_REGION.source.section}" (${LAMBDA_EDGE_RPS_PER_REGION.source.url})`,
    read: '2026-11-29',
    verified: true,
  },
  distributionRps: {
    value: 250_000,
    unit: 'requests per second per distribution (adjustable)',
    source:
      'Quotas, "General quotas" (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html)',
    read: '2026-11-29',
    verified: true,
  },
  lambdaEdgeMemoryGb: {
    value: 0.125,
    unit: 'GB (128 MB, the viewer-request maximum)',
    source: 'Quotas, "Quotas on Lambda@Edge": function memory size for viewer events, 128 MB',
    read: '2026-11-29',
    verified: true,
  },
} satisfies Record<string, Constant>;

export interface Audience {
  /** Concurrent viewers. */
  viewers: number;
  /** Hours a month the audience watches at that concurrency. */
  hours: number;
  /** HLS segment duration in seconds. */
  segmentSeconds: number;
  /** Renditions on the ladder: a player fetches one at a time, so they do not add steady requests. */
  renditions: number;
  /** Live: the player reloads its media playlist once per segment duration as well. */
  live: boolean;
  /** Segment streams fetched in parallel per viewer (1 muxed; 2 with a separate audio rendition). */
  tracks: number;
  /** Billed Lambda@Edge duration per invocation (ms, at least 1: the billing step). */
  lambdaMs: number;
  /** KeyValueStore reads per function invocation (key:<kid>, rs:<sid>, ru:<sub>). */
  kvsReads: number;
}

export const DEFAULT_AUDIENCE: Omit<Audience, 'viewers' | 'hours'> = {
  segmentSeconds: 2,
  renditions: 4,
  live: false,
  tracks: 1,
  lambdaMs: 1,
  kvsReads: 3,
};

export interface ModeEstimate {
  invocationsPerMonth: number;
  edgeCostPerMonth: number;
  /** Quota used by this audience (rps / quota); above 1 the default quota is exceeded. */
  quotaUse: number;
  quota: string;
  /** Concurrent viewers the quota allows at this audience's requests per viewer. */
  viewersAtQuota: number;
}

export interface Estimate {
  requestsPerSecond: number;
  requestsPerMonth: number;
  distributionQuotaUse: number;
  lambda: ModeEstimate;
  function: ModeEstimate & { kvsCostPerMonth: number };
}

/** Protected requests one viewer makes per second: one per segment per track, plus playlist reloads when live. */
export function requestsPerViewerSecond(a: Pick<Audience, 'segmentSeconds' | 'live' | 'tracks'>): number {
  return (a.tracks * (1 + (a.live ? 1 : 0))) / a.segmentSeconds;
}

export function estimate(a: Audience): Estimate {
  const perViewer = requestsPerViewerSecond(a);
  const rps = a.viewers * perViewer;
  const perMonth = rps * a.hours * 3600;
  const lambdaMs = Math.max(1, Math.ceil(a.lambdaMs));
  const lambdaCost =
    (perMonth / 1e6) * PRICES.lambdaEdgeRequestPerMillion.value +
    perMonth * (lambdaMs / 1000) * QUOTAS.lambdaEdgeMemoryGb.value * PRICES.lambdaEdgeGbSecond.value;
  const lambdaQuota = QUOTAS.lambdaEdgeRpsPerRegion.value;
  const distQuota = QUOTAS.distributionRps.value;
  return {
    requestsPerSecond: rps,
    requestsPerMonth: perMonth,
    distributionQuotaUse: rps / distQuota,
    lambda: {
      invocationsPerMonth: perMonth,
      edgeCostPerMonth: lambdaCost,
      // Worst case: the whole audience behind one Regional edge cache (one Region).
      quotaUse: rps / lambdaQuota,
      quota: `${lambdaQuota.toLocaleString('en-US')} rps per Region`,
      viewersAtQuota: Math.floor(lambdaQuota / perViewer),
    },
    function: {
      invocationsPerMonth: perMonth,
      edgeCostPerMonth: (perMonth / 1e6) * PRICES.cloudFrontFunctionPerMillion.value,
      kvsCostPerMonth: ((perMonth * a.kvsReads) / 1e6) * PRICES.kvsReadPerMillion.value,
      // CloudFront Functions "scale immediately to handle millions of requests per second" (no
      // per-Region request quota is listed); the distribution's own quota applies to both modes.
      quotaUse: rps / distQuota,
      quota: `${distQuota.toLocaleString('en-US')} rps per distribution`,
      viewersAtQuota: Math.floor(distQuota / perViewer),
    },
  };
}

/** How many revocation entries fit in one store (entry = key bytes + value bytes, see aws-rules). */
export function revocationCapacity(options: { sidChars: number; subChars: number; reservedBytes: number }) {
  const epoch = 10; // decimal epoch seconds until 2286
  const session = 3 + options.sidChars + epoch; // rs:<sid> → "<expiresAt>"
  const user = 3 + options.subChars + epoch * 2 + 1; // ru:<sub> → "<revokedBefore>:<expiresAt>"
  const room = KVS_STORE_MAX_BYTES.value - options.reservedBytes;
  return {
    sessionEntryBytes: session,
    userEntryBytes: user,
    sessions: Math.floor(room / session),
    users: Math.floor(room / user),
  };
}

const usd = (n: number) => (n >= 100 ? `$${Math.round(n).toLocaleString('en-US')}` : `$${n.toFixed(2)}`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${(n * 100).toFixed(n < 0.1 ? 2 : 1)}%`;

export interface Scenario {
  name: string;
  audience: Audience;
}

export const DOC_SCENARIOS: Scenario[] = [
  { name: 'course platform', audience: { ...DEFAULT_AUDIENCE, viewers: 1_000, hours: 300 } },
  { name: 'busy evening', audience: { ...DEFAULT_AUDIENCE, viewers: 10_000, hours: 120 } },
  { name: 'live event', audience: { ...DEFAULT_AUDIENCE, viewers: 50_000, hours: 3, live: true } },
  {
    name: 'live event, 6 s segments',
    audience: { ...DEFAULT_AUDIENCE, viewers: 50_000, hours: 3, live: true, segmentSeconds: 6 },
  },
  {
    name: 'large catalogue',
    audience: { ...DEFAULT_AUDIENCE, viewers: 100_000, hours: 720, segmentSeconds: 4 },
  },
];

export function renderAudienceTable(scenarios: Scenario[]): string {
  const rows = [
    '| audience | viewers | segment | live | requests/s | invocations/month | lambda: edge cost/month | lambda: quota use | function: edge cost/month | function: KVS reads/month¹ | function: quota use |',
    '|---|--:|--:|:-:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { name, audience: a } of scenarios) {
    const e = estimate(a);
    rows.push(
      `| ${name} (${a.hours} h/month) | ${int(a.viewers)} | ${a.segmentSeconds} s | ${a.live ? 'yes' : 'no'} | ${int(e.requestsPerSecond)} | ${int(e.requestsPerMonth)} | ${usd(e.lambda.edgeCostPerMonth)} | ${pct(e.lambda.quotaUse)}${e.lambda.quotaUse > 1 ? ' **over**' : ''} | ${usd(e.function.edgeCostPerMonth)} | ${usd(e.function.kvsCostPerMonth)} | ${pct(e.function.quotaUse)}${e.function.quotaUse > 1 ? ' **over**' : ''} |`,
    );
  }
  return rows.join('\n');
}

export function renderHeadroomTable(): string {
  const rows = [
    '| segment | live | requests/s per viewer | lambda: viewers at 10,000 rps/Region | both: viewers at 250,000 rps/distribution |',
    '|--:|:-:|--:|--:|--:|',
  ];
  for (const segmentSeconds of [2, 4, 6]) {
    for (const live of [false, true]) {
      const e = estimate({ ...DEFAULT_AUDIENCE, segmentSeconds, live, viewers: 1, hours: 1 });
      rows.push(
        `| ${segmentSeconds} s | ${live ? 'yes' : 'no'} | ${requestsPerViewerSecond({ segmentSeconds, live, tracks: 1 }).toFixed(2)} | ${int(e.lambda.viewersAtQuota)} | ${int(e.function.viewersAtQuota)} |`,
      );
    }
  }
  return rows.join('\n');
}

export function renderRevocationTable(): string {
  const rows = ['| sid / sub length | entry bytes | revocations that fit in one store |', '|---|--:|--:|'];
  const reserved = 10 * (4 + 32 + 43); // up to ten key:<kid> HMAC entries
  for (const [label, sidChars, subChars] of [
    ['session (rs:, 22-character sid)', 22, 0],
    ['user (ru:, 16-character name)', 0, 16],
    ['user (ru:, 64-character OIDC sub)', 0, 64],
  ] as const) {
    const c = revocationCapacity({ sidChars, subChars, reservedBytes: reserved });
    const isSession = label.startsWith('session');
    rows.push(
      `| ${label} | ${isSession ? c.sessionEntryBytes : c.userEntryBytes} | ${int(isSession ? c.sessions : c.users)} |`,
    );
  }
  return rows.join('\n');
}

export function renderConstants(): string {
  const rows = ['| constant | value | source | read | checked |', '|---|--:|---|---|---|'];
  for (const [name, c] of Object.entries({ ...PRICES, ...QUOTAS })) {
    rows.push(
      `| ${name} | ${c.value} ${c.unit} | ${c.source} | ${c.read} | ${c.verified ? 'yes' : '**not confirmed**'} |`,
    );
  }
  return rows.join('\n');
}

/** The generated part of docs/scale.md (between the markers), from the constants above. */
export function renderScaleDoc(): string {
  return [
    '### Audiences',
    '',
    `Defaults: ${DEFAULT_AUDIENCE.segmentSeconds} s segments, one track, Lambda@Edge billed ${DEFAULT_AUDIENCE.lambdaMs} ms at 128 MB, ${DEFAULT_AUDIENCE.kvsReads} KeyValueStore reads per function invocation. Quota use assumes the whole audience behind one Region (Lambda@Edge) and one distribution (both modes).`,
    '',
    renderAudienceTable(DOC_SCENARIOS),
    '',
    '¹ KeyValueStore reads at a price this project could not confirm (see the constants).',
    '',
    '### Headroom per viewer',
    '',
    renderHeadroomTable(),
    '',
    '### Revocations in one KeyValueStore',
    '',
    renderRevocationTable(),
    '',
    '### Constants',
    '',
    renderConstants(),
  ].join('\n');
}

export const DOC_BEGIN =
  '<!-- scale:begin (generated by `npm run scale -- --write`; do not edit by hand) -->';
export const DOC_END = '<!-- scale:end -->';

export function replaceGenerated(doc: string, generated: string): string {
  const start = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (start < 0 || end < start) throw new Error(`docs/scale.md has no ${DOC_BEGIN} … ${DOC_END} block`);
  return `${doc.slice(0, start + DOC_BEGIN.length)}\n\n${generated}\n\n${doc.slice(end)}`;
}
