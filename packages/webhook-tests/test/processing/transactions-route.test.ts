import { problemDetailsSchema, transactionImportResponseSchema } from '@mastercom/contracts';
import { createAlert, invalidExamples, transactionForAlert } from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { operatorPost, useTestApp } from '../support/test-app.js';

const t = useTestApp();

const PATH = '/api/v6/transactions';

async function storedTransactionCount(): Promise<number> {
  const [row] = await t.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM merchant_transactions',
  );
  return row?.n ?? 0;
}

describe('POST /api/v6/transactions', () => {
  it('inserts new transactions and updates known ones, and says how many of each', async () => {
    const [first, second, third] = [2001, 2002, 2003].map((seed) =>
      transactionForAlert(createAlert(seed), { fulfilment: 'NOT_FULFILLED' }),
    );
    const created = await operatorPost(t.app, PATH, { transactions: [first, second] });
    expect(created.status).toBe(200);
    expect(transactionImportResponseSchema.parse(created.body)).toEqual({
      inserted: 2,
      updated: 0,
    });

    const again = await operatorPost(t.app, PATH, {
      transactions: [{ ...first!, fulfilment: 'FULFILLED', settled: false }, second, third],
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ inserted: 1, updated: 2 });

    const rows = await t.query<{ transaction_id: string; fulfilment: string; settled: boolean }>(
      'SELECT transaction_id, fulfilment, settled FROM merchant_transactions WHERE transaction_id = ANY($1) ORDER BY transaction_id',
      [[first!.transactionId, second!.transactionId, third!.transactionId]],
    );
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.transaction_id === first!.transactionId)).toEqual({
      transaction_id: first!.transactionId,
      fulfilment: 'FULFILLED',
      settled: false,
    });
  });

  it.each(invalidExamples.transactionImport.map((example) => [example.name, example]))(
    'refuses %s with a problem naming the field and stores nothing',
    async (_name, example) => {
      const before = await storedTransactionCount();
      const res = await operatorPost(t.app, PATH, example.value);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = problemDetailsSchema.parse(res.body);
      expect(problem.errors?.map((error) => error.field)).toContain(example.field);
      expect(await storedTransactionCount()).toBe(before);
    },
  );

  it('refuses a full card number sent as an extra field without echoing or logging it', async () => {
    const pan = '5454545454545454';
    const transaction = {
      ...transactionForAlert(createAlert(2004), { fulfilment: 'FULFILLED' }),
      cardNumber: pan,
    };
    const before = await storedTransactionCount();
    const res = await operatorPost(t.app, PATH, { transactions: [transaction] });

    expect(res.status).toBe(400);
    expect(problemDetailsSchema.parse(res.body).errors).toEqual([
      { field: 'transactions[0]', message: expect.stringContaining('cardNumber') as string },
    ]);
    expect(res.text).not.toContain(pan);
    expect(t.logLines.join('\n')).not.toContain(pan);
    expect(await storedTransactionCount()).toBe(before);
  });

  it('answers 401 without a valid bearer token and stores nothing', async () => {
    const transactions = [transactionForAlert(createAlert(2005), { fulfilment: 'FULFILLED' })];
    const before = await storedTransactionCount();

    const anonymous = await request(t.app).post(PATH).send({ transactions });
    const wrongToken = await request(t.app)
      .post(PATH)
      .set('authorization', 'Bearer not-the-token')
      .send({ transactions });

    for (const res of [anonymous, wrongToken]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(problemDetailsSchema.parse(res.body).status).toBe(401);
    }
    expect(await storedTransactionCount()).toBe(before);
  });
});
