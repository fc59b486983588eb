import { DOCUMENT_CONTENT_TYPES, DOCUMENT_MAX_BYTES } from '@mastercom/contracts';
import type { FieldErrors } from './field-errors.js';

/** The same limits the API enforces: PDF, TIFF or JPEG, at most Mastercom's size, a short memo. */
export function checkDocument(
  file: Pick<File, 'type' | 'size'> | undefined,
  memo: string,
): FieldErrors {
  const errors: Record<string, string[]> = {};
  const fileErrors: string[] = [];
  if (file === undefined) {
    fileErrors.push('choose a file');
  } else {
    if (!(DOCUMENT_CONTENT_TYPES as readonly string[]).includes(file.type)) {
      fileErrors.push('must be a PDF, TIFF or JPEG file');
    }
    if (file.size === 0) fileErrors.push('is empty');
    if (file.size > DOCUMENT_MAX_BYTES) {
      fileErrors.push(
        `is larger than ${(DOCUMENT_MAX_BYTES / 1_000_000).toFixed(1)} MB, Mastercom's limit`,
      );
    }
  }
  if (fileErrors.length > 0) errors.file = fileErrors;
  if (memo.length > 13_000) errors.memo = ['must have at most 13,000 characters'];
  return errors;
}
