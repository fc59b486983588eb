import { DOCUMENT_MAX_BYTES } from '@mastercom/contracts';
import { describe, expect, it } from 'vitest';
import { checkDocument } from './document-form.js';

describe('a document to attach', () => {
  it('passes as a PDF, TIFF or JPEG within the limit', () => {
    for (const type of ['application/pdf', 'image/tiff', 'image/jpeg']) {
      expect(checkDocument({ type, size: DOCUMENT_MAX_BYTES }, 'memo')).toEqual({});
    }
  });

  it('fails with the reason for each broken limit', () => {
    expect(checkDocument(undefined, '')).toEqual({ file: ['choose a file'] });
    expect(checkDocument({ type: 'image/png', size: 0 }, 'x'.repeat(13_001))).toEqual({
      file: ['must be a PDF, TIFF or JPEG file', 'is empty'],
      memo: ['must have at most 13,000 characters'],
    });
    expect(
      checkDocument({ type: 'application/pdf', size: DOCUMENT_MAX_BYTES + 1 }, '').file,
    ).toEqual(["is larger than 16.5 MB, Mastercom's limit"]);
  });
});
