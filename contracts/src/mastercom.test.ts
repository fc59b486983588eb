import { describe, expect, it } from 'vitest';
import { claimDetailSchema, claimSummarySchema, parseMastercomErrors } from './mastercom.js';

describe('parseMastercomErrors', () => {
  it('reads the Mastercom v6 envelope with name/value details', () => {
    const body = {
      Errors: [
        {
          RequestId: '14561735',
          Source: 'SYSTEM',
          ReasonCode: 'INVALID_REQUEST',
          Description: 'claimId is invalid',
          Recoverable: false,
          Details: [{ Name: 'claimId', Value: 'abc' }],
        },
      ],
    };
    expect(parseMastercomErrors(body)).toEqual([
      {
        source: 'SYSTEM',
        reasonCode: 'INVALID_REQUEST',
        description: 'claimId is invalid',
        recoverable: false,
        details: 'claimId: abc',
        requestId: '14561735',
      },
    ]);
  });

  it('reads the gateway envelope, as a list or as a lone object', () => {
    const error = {
      Source: 'Gateway',
      ReasonCode: 'NOT_AUTHORIZED_REQUEST',
      Description: 'OAuth Signature parameter failed verification',
      Recoverable: false,
      Details: 'Acceptable signature base string: GET&...',
    };
    const expected = [
      {
        source: 'Gateway',
        reasonCode: 'NOT_AUTHORIZED_REQUEST',
        description: 'OAuth Signature parameter failed verification',
        recoverable: false,
        details: 'Acceptable signature base string: GET&...',
        requestId: undefined,
      },
    ];
    expect(parseMastercomErrors({ Errors: { Error: [error] } })).toEqual(expected);
    expect(parseMastercomErrors({ Errors: { Error: error } })).toEqual(expected);
  });

  it('defaults missing Recoverable and Description', () => {
    const [item] = parseMastercomErrors({
      Errors: { Error: [{ Source: 'Gateway', ReasonCode: 'TOO_MANY_REQUESTS' }] },
    });
    expect(item).toMatchObject({
      reasonCode: 'TOO_MANY_REQUESTS',
      recoverable: false,
      description: '',
    });
  });

  it('returns an empty list for bodies that are not error envelopes', () => {
    for (const body of [null, '<html>502</html>', {}, { Errors: 'x' }, { errors: [] }]) {
      expect(parseMastercomErrors(body)).toEqual([]);
    }
  });
});

describe('claims', () => {
  it('types summary flags as booleans and detail flags as strings, as Mastercom sends them', () => {
    expect(claimSummarySchema.safeParse({ claimId: '200002020654', isOpen: true }).success).toBe(
      true,
    );
    expect(claimSummarySchema.safeParse({ claimId: '200002020654', isOpen: 'true' }).success).toBe(
      false,
    );
    const detail = claimDetailSchema.parse({
      claimId: '200002020654',
      isOpen: 'true',
      newField: 1,
    });
    expect(detail).toMatchObject({ isOpen: 'true', chargebackDetails: [], newField: 1 });
  });
});
