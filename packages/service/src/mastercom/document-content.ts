/**
 * What a document is, judged by its first bytes: a file name says nothing reliable, and Mastercom
 * rejects anything but PDF, TIFF and JPEG after the fact, when the 8-day window may have passed.
 */
import type { DOCUMENT_CONTENT_TYPES } from '@mastercom/contracts';

export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

const SIGNATURES: { type: DocumentContentType; bytes: number[]; extension: string }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], extension: 'pdf' }, // %PDF-
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00], extension: 'tif' }, // II*\0, little-endian
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a], extension: 'tif' }, // MM\0*, big-endian
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff], extension: 'jpg' },
];

export function detectContentType(content: Uint8Array): DocumentContentType | undefined {
  return SIGNATURES.find((signature) =>
    signature.bytes.every((byte, index) => content[index] === byte),
  )?.type;
}

/**
 * A file name Mastercom takes (1–16 characters): the original base name's letters, digits, `-` and `_`,
 * shortened to leave room for the extension that matches the content, whatever the original
 * extension said.
 */
export function mastercomFilename(original: string, type: DocumentContentType): string {
  const extension = SIGNATURES.find((signature) => signature.type === type)?.extension ?? 'bin';
  const stem = original
    // A browser may send a path; only the last segment is a name.
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 16 - extension.length - 1);
  return `${stem === '' ? 'document' : stem}.${extension}`;
}
