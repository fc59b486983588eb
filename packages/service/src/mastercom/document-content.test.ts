import { describe, expect, it } from 'vitest';
import { detectContentType, mastercomFilename } from './document-content.js';

describe('detectContentType', () => {
  it('recognises PDF, both TIFF byte orders and JPEG by their first bytes', () => {
    expect(detectContentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectContentType(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8]))).toBe('image/tiff');
    expect(detectContentType(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0]))).toBe('image/tiff');
    expect(detectContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  });

  it('refuses other content whatever it is called, and content too short to tell', () => {
    expect(detectContentType(Buffer.from('<html>%PDF-</html>'))).toBeUndefined();
    expect(detectContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined(); // PNG
    expect(detectContentType(Buffer.from('%PD'))).toBeUndefined();
    expect(detectContentType(new Uint8Array())).toBeUndefined();
  });
});

describe('mastercomFilename', () => {
  it('keeps short names, and takes the extension from the content', () => {
    expect(mastercomFilename('receipt.pdf', 'application/pdf')).toBe('receipt.pdf');
    expect(mastercomFilename('receipt.pdf', 'image/jpeg')).toBe('receipt.jpg');
  });

  it('shortens and cleans long or odd names to at most 16 characters', () => {
    const name = mastercomFilename('Proof of delivery (signed) 2026-03-04.PDF', 'application/pdf');
    expect(name).toBe('Proof_of_del.pdf');
    expect(name.length).toBeLessThanOrEqual(16);
    expect(mastercomFilename('../../etc/passwd', 'image/tiff')).toBe('passwd.tif');
    expect(mastercomFilename('ü.pdf', 'application/pdf')).toBe('document.pdf');
  });
});
