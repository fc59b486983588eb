import { documentListSchema, documentSchema } from '@mastercom/contracts';
import {
  createCaseRequest,
  createChargebackDetails,
  createClaimSummary,
} from '@mastercom/contracts/fixtures';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, today, useMastercomSuite } from './support/mastercom-suite.js';

const MAX_BYTES = 4096;
const t = useMastercomSuite({ documentMaxBytes: MAX_BYTES });
const auth = { authorization: `Bearer ${API_TOKEN}` };

const pdf = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.alloc(600, 0x41),
  Buffer.from('/EOF'),
]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

let caseId: string;
let freshChargebackId: string;
let staleChargebackId: string;

/** A claim whose chargeback was created `createDate`; stored by a sync like any other. */
function addClaim(seed: number, createDate: string): string {
  const summary = createClaimSummary(seed, {
    queueName: 'Unworked',
    lastModifiedDate: new Date().toISOString().slice(0, 16),
  });
  const chargeback = { ...createChargebackDetails(seed, summary.claimId), createDate };
  t.mastercom.addClaims([{ summary, chargebacks: [chargeback] }]);
  return chargeback.chargebackId;
}

beforeAll(async () => {
  freshChargebackId = addClaim(101, today());
  staleChargebackId = addClaim(102, '2020-01-02');
  await t.newSync().run();
  const filed = await request(t.app)
    .post('/api/v6/cases')
    .set(auth)
    .send(createCaseRequest(103, { caseType: '3', violationCode: '1.4', violationDate: today() }));
  if (filed.status !== 201) throw new Error(`filing the suite's case failed: ${filed.text}`);
  caseId = (filed.body as { caseId: string }).caseId;
});

function upload(fields: Record<string, string>, file?: { content: Buffer; name: string }) {
  let call = request(t.app).post('/api/v6/documents').set(auth);
  for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
  if (file !== undefined) call = call.attach('file', file.content, file.name);
  return call;
}

describe('POST /api/v6/documents (multipart)', () => {
  it('stores a PDF for a case and serves its metadata and exact bytes back', async () => {
    const response = await upload(
      { caseId, memo: 'Refund confirmation' },
      { content: pdf, name: 'Refund confirmation (March).pdf' },
    );
    expect(response.status).toBe(201);
    const stored = documentSchema.parse(response.body);
    expect(stored).toMatchObject({
      caseId,
      chargebackId: null,
      contentType: 'application/pdf',
      sizeBytes: pdf.length,
      mastercomFilename: 'Refund_confi.pdf',
      forwardedAt: null,
    });
    expect(response.headers.location).toBe(`/api/v6/documents/${stored.documentId}`);

    const content = await request(t.app)
      .get(`/api/v6/documents/${stored.documentId}/content`)
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(content.type).toBe('application/pdf');
    expect(Buffer.compare(content.body as Buffer, pdf)).toBe(0);

    const list = await request(t.app).get(`/api/v6/cases/${caseId}/documents`).set(auth);
    expect(documentListSchema.parse(list.body).items.map((item) => item.documentId)).toContain(
      stored.documentId,
    );
  });

  it('judges the type by content: a PNG named .pdf is 415', async () => {
    const response = await upload({ caseId }, { content: png, name: 'evidence.pdf' });
    expect(response.status).toBe(415);
    expect(response.type).toBe('application/problem+json');
    expect(response.body.errors).toEqual([
      { field: 'file', message: 'is not a PDF, TIFF or JPEG by its content' },
    ]);
  });

  it('refuses a file over the size limit with 413', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MAX_BYTES, 0x20)]);
    const response = await upload({ caseId }, { content: big, name: 'big.pdf' });
    expect(response.status).toBe(413);
    expect(response.body.detail).toContain(String(MAX_BYTES));
  });

  it('refuses a form without a file, with both targets, for an unknown case, or not multipart', async () => {
    expect((await upload({ caseId })).status).toBe(400);
    const both = await upload(
      { caseId, chargebackId: freshChargebackId },
      { content: pdf, name: 'a.pdf' },
    );
    expect(both.status).toBe(400);
    const unknown = await upload({ caseId: '1' }, { content: pdf, name: 'a.pdf' });
    expect(unknown.status).toBe(404);
    const json = await request(t.app).post('/api/v6/documents').set(auth).send({ caseId });
    expect(json.status).toBe(415);
    const anonymous = await request(t.app)
      .post('/api/v6/documents')
      .field('caseId', caseId)
      .attach('file', pdf, 'a.pdf');
    expect(anonymous.status).toBe(401);
  });
});

describe('sending documents to Mastercom', () => {
  it("sends a chargeback's JPEG as base64, after which it can be neither sent again nor deleted", async () => {
    const stored = await upload(
      { chargebackId: freshChargebackId },
      { content: jpeg, name: 'receipt.jpeg' },
    );
    expect(stored.status).toBe(201);
    const documentId = (stored.body as { documentId: string }).documentId;

    const sent = await request(t.app)
      .post(`/api/v6/documents/${documentId}/submit`)
      .set(auth)
      .send({ memo: 'Receipt signed by the cardholder' });
    expect(sent.status).toBe(200);
    expect(sent.body.forwardedAt).not.toBeNull();
    expect(t.mastercom.chargebackUpdates).toHaveLength(1);
    const [update] = t.mastercom.chargebackUpdates;
    expect(update?.chargebackId).toBe(freshChargebackId);
    expect(update?.request.fileAttachment).toEqual({
      filename: 'receipt.jpg',
      file: jpeg.toString('base64'),
    });

    const again = await request(t.app)
      .post(`/api/v6/documents/${documentId}/submit`)
      .set(auth)
      .send({ memo: 'again' });
    expect(again.status).toBe(409);
    const deleted = await request(t.app).delete(`/api/v6/documents/${documentId}`).set(auth);
    expect(deleted.status).toBe(409);
    expect(t.mastercom.chargebackUpdates).toHaveLength(1);
  });

  it('refuses to send a chargeback document after the 8-day window', async () => {
    const stored = await upload(
      { chargebackId: staleChargebackId },
      { content: pdf, name: 'late.pdf' },
    );
    const documentId = (stored.body as { documentId: string }).documentId;
    const sent = await request(t.app)
      .post(`/api/v6/documents/${documentId}/submit`)
      .set(auth)
      .send({ memo: 'late' });
    expect(sent.status).toBe(409);
    expect(sent.body.detail).toContain('within 8 days');
    expect(t.mastercom.received).toHaveLength(0);
  });

  it('sends a case document with the case action that names it', async () => {
    const stored = await request(t.app)
      .post(`/api/v6/cases/${caseId}/documents`)
      .set(auth)
      .send({ filename: 'credit.pdf', contentBase64: pdf.toString('base64') });
    expect(stored.status).toBe(201);
    const documentId = (stored.body as { documentId: string }).documentId;

    const rebut = await request(t.app)
      .put(`/api/v6/cases/${caseId}`)
      .set(auth)
      .send({ action: 'REBUT', memo: 'Credit issued, document attached', documentId });
    expect(rebut.status).toBe(200);
    const history = (rebut.body as { history: { action: string; documentId: string | null }[] })
      .history;
    expect(history.at(-1)).toMatchObject({ action: 'REBUT', documentId });
    const [action] = t.mastercom.cases.get(caseId)?.actions ?? [];
    expect(action?.fileAttachment).toEqual({
      filename: 'credit.pdf',
      file: pdf.toString('base64'),
    });
    const document = await request(t.app).get(`/api/v6/documents/${documentId}`).set(auth);
    expect(document.body.forwardedAt).not.toBeNull();

    const direct = await request(t.app)
      .post(`/api/v6/documents/${documentId}/submit`)
      .set(auth)
      .send({ memo: 'x' });
    expect(direct.status).toBe(409);
  });
});

describe('DELETE /api/v6/documents/:documentId', () => {
  it('deletes a document that was not sent, content included', async () => {
    const stored = await upload({ caseId }, { content: jpeg, name: 'wrong.jpg' });
    const documentId = (stored.body as { documentId: string }).documentId;
    const deleted = await request(t.app).delete(`/api/v6/documents/${documentId}`).set(auth);
    expect(deleted.status).toBe(204);
    expect((await request(t.app).get(`/api/v6/documents/${documentId}`).set(auth)).status).toBe(
      404,
    );
    const [left] = await t.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM mastercom_document_contents WHERE document_id = $1',
      [documentId],
    );
    expect(left?.n).toBe(0);
  });
});
