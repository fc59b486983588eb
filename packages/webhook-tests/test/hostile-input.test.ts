import { alertAcknowledgementSchema, ethocaErrorEnvelopeSchema } from '@mastercom/contracts';
import { createAlert, createAlertDelivery, invalidExamples } from '@mastercom/contracts/fixtures';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import { countAlerts } from './support/stored.js';
import { deliver, useTestApp } from './support/test-app.js';

const t = useTestApp();

/**
 * Everything that must hold for any answer to any body: no 5xx, a 200 carries one valid
 * acknowledgement per delivered item in which SUCCESS alerts are stored and FAILURE alerts are
 * not, and any 4xx carries the Ethoca envelope and leaves none of the delivery's ids stored.
 * Returns a list of violations so one `toEqual([])` reports them all.
 */
async function violations(
  res: Response,
  sentIds: readonly string[],
  items: number | undefined,
): Promise<string[]> {
  const found: string[] = [];
  if (res.status >= 500) found.push(`status ${res.status}: ${res.text.slice(0, 300)}`);
  if (res.status === 200) {
    const ack = alertAcknowledgementSchema.safeParse(res.body);
    if (!ack.success)
      return [...found, `200 without a valid acknowledgement: ${res.text.slice(0, 300)}`];
    if (items !== undefined && ack.data.alertResponses.length !== items) {
      found.push(`${ack.data.alertResponses.length} responses for ${items} items`);
    }
    const succeeded = new Set(
      ack.data.alertResponses.filter((r) => r.status === 'SUCCESS').map((r) => r.alertId ?? ''),
    );
    for (const response of ack.data.alertResponses) {
      if (response.status === 'FAILURE' && (response.errors ?? []).length === 0)
        found.push('FAILURE without errors');
      const id = response.alertId;
      if (id === null) continue;
      const stored = await countAlerts(t, [id]);
      // The same id may appear twice in a batch, once valid and once not; the valid copy is stored.
      const expected = succeeded.has(id) ? 1 : 0;
      if (stored !== expected) found.push(`${response.status} ${id} left ${stored} rows`);
    }
  } else {
    if (res.status < 400) found.push(`unexpected status ${res.status}`);
    if (!ethocaErrorEnvelopeSchema.safeParse(res.body).success)
      found.push(`${res.status} without the envelope: ${res.text}`);
    const stored = await countAlerts(t, sentIds);
    if (stored > 0) found.push(`${res.status} left ${stored} rows`);
  }
  return found;
}

describe('the invalid-example catalogue', () => {
  it.each(invalidExamples.alert.map((example) => [example.name, example] as const))(
    'alert: %s is refused with FAILURE naming its field',
    async (_name, example) => {
      const res = await deliver(t.app, { alerts: [example.value] });
      expect(await violations(res, [], 1)).toEqual([]);
      const [response] = alertAcknowledgementSchema.parse(res.body).alertResponses;
      expect(response?.status).toBe('FAILURE');
      expect((response?.errors ?? []).map((error) => error.Details)).toContain(example.field);
    },
  );

  it.each(invalidExamples.delivery.map((example) => [example.name, example] as const))(
    'delivery: %s is refused with 400',
    async (_name, example) => {
      // The value is the parsed body; a string example is a JSON string, not raw bytes.
      const res = await deliver(t.app, JSON.stringify(example.value));
      expect(res.status).toBe(400);
      expect(await violations(res, [], undefined)).toEqual([]);
      expect(
        ethocaErrorEnvelopeSchema
          .parse(res.body)
          .Errors.Error[0]?.Description.startsWith(example.field),
      ).toBe(true);
    },
  );

  it('left no alert stored', async () => {
    const [row] = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM alerts');
    expect(row?.n).toBe(0);
  });
});

describe('hand-picked hostile bodies', () => {
  /** An alert's JSON text with an unknown field nested `depth` levels, built as text. */
  const nested = (seed: number, depth: number) => {
    const alert = createAlert(seed);
    const deep = `${'{"down":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
    return {
      body: JSON.stringify(alert).replace(/}$/, `,"deep":${deep}}`),
      ids: [alert.alertId],
      items: 1,
    };
  };
  const cases: [string, () => { body: unknown; ids: string[]; items?: number }][] = [
    [
      'a NUL character in a known text field',
      () => one(createAlert(901, { merchantDescriptor: 'ACME\u0000STORE' })),
    ],
    ['a NUL character in an unknown field', () => one(createAlert(902, { note: 'a\u0000b' }))],
    ['a NUL character in an unknown key', () => one(createAlert(903, { 'odd\u0000key': 1 }))],
    [
      'an unpaired surrogate in an unknown field',
      () => one(createAlert(904, { note: 'x\ud800y' })),
    ],
    [
      'an unpaired surrogate in a known text field',
      () => one(createAlert(905, { issuer: 'Bank \udc00' })),
    ],
    ['an unknown field nested 100000 levels deep', () => nested(906, 100_000)],
    ['an unknown field nested 40 levels deep', () => nested(910, 40)],
    [
      'a __proto__ key',
      () => {
        // Sent as text: an object literal cannot carry an own __proto__ key through JSON.stringify.
        const alert = createAlert(907);
        const body = JSON.stringify(alert).replace('{', '{"__proto__":{"polluted":true},');
        return { body, ids: [alert.alertId], items: 1 };
      },
    ],
    [
      'a NUL character next to a valid alert in one batch',
      () => {
        const good = createAlert(908);
        const bad = createAlert(909, { merchantDescriptor: 'BAD\u0000' });
        return { body: { alerts: [good, bad] }, ids: [good.alertId, bad.alertId], items: 2 };
      },
    ],
  ];
  function one(alert: { alertId: string }) {
    return { body: alert, ids: [alert.alertId], items: 1 };
  }

  it.each(cases)('%s never causes a 5xx or stores a refused alert', async (_name, make) => {
    const { body, ids, items } = make();
    const res = await deliver(t.app, body);
    expect(await violations(res, ids, items)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still stores the valid alert of a batch whose other alert cannot be stored', async () => {
    expect(await countAlerts(t, [createAlert(908).alertId])).toBe(1);
  });
});

describe('fast-check mutations of valid deliveries', () => {
  let counter = 0;
  /** A unique valid id per run, so a refusal in one run can never hide behind another's row. */
  const freshId = () => `FC${String((counter += 1)).padStart(23, '0')}`;
  const keys = Object.keys(createAlert(1)).concat([
    'cardNumber',
    'cardBin',
    'cardLast4',
    'acquirerReferenceNumber',
  ]);
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
  );
  const jsonish = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    text,
    fc.double(),
    fc.integer(),
    fc.constantFrom(null, true, 1e308, -0, 4111111111111111),
  );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
    fc.record({
      kind: fc.constant('retype' as const),
      key: fc.constantFrom(...keys),
      value: jsonish,
    }),
    fc.record({ kind: fc.constant('add' as const), key: text, value: jsonish }),
    fc.record({
      kind: fc.constant('duplicateKey' as const),
      key: fc.constantFrom(...keys),
      value: jsonish,
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('nest' as const),
      key: fc.constantFrom(...keys),
      depth: fc.integer({ min: 1, max: 200 }),
    }),
  );

  it('never answers 5xx and never stores a refused alert', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (seed, count, mutations, asBatch) => {
          const alerts: Record<string, unknown>[] = createAlertDelivery(seed, count).alerts.map(
            (alert) => ({
              ...alert,
              alertId: freshId(),
            }),
          );
          const ids = alerts.map((alert) => String(alert.alertId));
          let textBody: string | undefined;
          for (const [index, change] of mutations.entries()) {
            const target = index % alerts.length;
            const alert = alerts[target]!;
            if (change.kind === 'drop') {
              alerts[target] = Object.fromEntries(
                Object.entries(alert).filter(([key]) => key !== change.key),
              );
            } else if (change.kind === 'retype' || change.kind === 'add') {
              alerts[target] = { ...alert, [change.key]: change.value };
            } else if (change.kind === 'nest') {
              let value: unknown = alert[change.key];
              for (let i = 0; i < change.depth; i += 1) value = [value];
              alerts[target] = { ...alert, [change.key]: value };
            } else if (change.kind === 'duplicateKey') {
              // A second copy of a key in the JSON text; parsers keep the last one.
              textBody = undefined;
              alerts[target] = { ...alert, [`${change.key}\u0001dup`]: change.value };
            } else {
              const full = JSON.stringify(asBatch ? { alerts } : alerts[0]);
              textBody = full.slice(0, change.at % full.length);
            }
          }
          const encoded =
            textBody ??
            JSON.stringify(asBatch || alerts.length > 1 ? { alerts } : alerts[0]).replaceAll(
              '\\u0001dup',
              '',
            );
          const res = await deliver(t.app, encoded);
          const items =
            textBody === undefined ? (asBatch || alerts.length > 1 ? alerts.length : 1) : undefined;
          expect(await violations(res, ids, items)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20_260_304 },
    );
  });

  it('logged no unhandled error during the whole file', () => {
    expect(t.logLines.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });
});
