import { describe, expect, it } from 'vitest';
import { queueContentRequestSchema, queueContentResponseSchema } from './mastercom.js';
import { caseActionRequestSchema, documentSchema } from './service-cases.js';

describe('queue reads by date interval', () => {
  it('take minute-resolution bounds and a page number of up to three digits', () => {
    const request = {
      queueName: 'Unworked',
      lastModifiedDateFrom: '2026-11-21T10:44',
      lastModifiedDateTo: '2026-11-26T10:44',
      pageNb: '2',
    };
    expect(queueContentRequestSchema.parse(request)).toEqual(request);
    const bad = queueContentRequestSchema.safeParse({
      ...request,
      lastModifiedDateFrom: '2026-11-21',
      pageNb: '1000',
    });
    expect(bad.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'lastModifiedDateFrom',
      'pageNb',
    ]);
  });

  it('answer with a string page count and default to no claims', () => {
    expect(queueContentResponseSchema.parse({ pageCount: '3' })).toEqual({
      pageCount: '3',
      claimList: [],
    });
  });
});

describe('caseActionRequestSchema', () => {
  it('takes a stored document or an inline attachment, not both', () => {
    const documentId = '0b7f2f4e-8c1a-4d2e-9f3b-1a2b3c4d5e6f';
    expect(
      caseActionRequestSchema.safeParse({ action: 'REBUT', memo: 'see credit', documentId })
        .success,
    ).toBe(true);
    const both = caseActionRequestSchema.safeParse({
      action: 'REBUT',
      memo: 'see credit',
      documentId,
      fileAttachment: { filename: 'a.pdf', file: 'JVBERi0=' },
    });
    expect(both.error?.issues[0]?.path).toEqual(['documentId']);
  });
});

describe('documentSchema', () => {
  it('limits the name sent to Mastercom to 16 characters and the types to PDF, TIFF and JPEG', () => {
    const document = {
      documentId: '0b7f2f4e-8c1a-4d2e-9f3b-1a2b3c4d5e6f',
      caseId: '536092',
      claimId: null,
      chargebackId: null,
      filename: 'Refund confirmation.pdf',
      mastercomFilename: 'Refund_confi.pdf',
      contentType: 'application/pdf',
      sizeBytes: 1024,
      sha256: 'a'.repeat(64),
      memo: null,
      uploadedAt: '2026-11-26T10:44:00.000Z',
      forwardedAt: null,
    };
    expect(documentSchema.parse(document)).toEqual(document);
    expect(
      documentSchema.safeParse({ ...document, mastercomFilename: 'Refund_confirmation.pdf' })
        .success,
    ).toBe(false);
    expect(documentSchema.safeParse({ ...document, contentType: 'image/png' }).success).toBe(false);
  });
});
