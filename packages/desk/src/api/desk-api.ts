import {
  caseDetailSchema,
  deskAlertSchema,
  deskQueueResponseSchema,
  deskSessionSchema,
  documentListSchema,
  documentSchema,
  manualOutcomeResponseSchema,
  PROBLEM_CONTENT_TYPE,
  type CaseDetail,
  type CreateCaseRequest,
  type DeskAlert,
  type DeskQueueQuery,
  type DeskQueueResponse,
  type DeskSession,
  type StoredDocument,
  type ManualOutcomeRequest,
  type ManualOutcomeResponse,
} from '@mastercom/contracts';
import { ApiProblem, toApiProblem } from './problem.js';

/** What the desk needs of a contracts schema: a parse that says whether the answer fits. */
interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** The operator API as the desk calls it, with the signed-in agent's bearer token. */
export interface DeskApi {
  session(): Promise<DeskSession>;
  queue(query: Partial<DeskQueueQuery>): Promise<DeskQueueResponse>;
  alert(alertId: string): Promise<DeskAlert>;
  decide(alertId: string, request: ManualOutcomeRequest): Promise<ManualOutcomeResponse>;
  caseDocuments(caseId: string): Promise<StoredDocument[]>;
  fileCase(request: CreateCaseRequest): Promise<CaseDetail>;
  attachDocument(caseId: string, file: File, memo: string | undefined): Promise<StoredDocument>;
}

export function deskApi(token: string, fetchImpl: typeof fetch = fetch.bind(window)): DeskApi {
  async function call<T>(
    path: string,
    schema: AnswerSchema<T>,
    init: RequestInit & { json?: unknown } = {},
  ): Promise<T> {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${token}`);
    headers.set('accept', `application/json, ${PROBLEM_CONTENT_TYPE}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      response = await fetchImpl(path, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        // Same origin only; nothing about the agent goes anywhere else.
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiProblem(0, 'Service unreachable', 'the service did not answer; try again');
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) throw toApiProblem(response.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new ApiProblem(
        response.status,
        'Unexpected answer',
        `${path} answered in a shape the desk does not know`,
      );
    }
    return parsed.data;
  }

  const segment = encodeURIComponent;
  return {
    session: () => call('/api/v6/desk/session', deskSessionSchema),
    queue(query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query) as [string, unknown][]) {
        if (typeof value === 'string' ? value !== '' : typeof value === 'number') {
          params.set(name, String(value));
        }
      }
      const search = params.toString();
      return call(
        `/api/v6/desk/queue${search === '' ? '' : `?${search}`}`,
        deskQueueResponseSchema,
      );
    },
    alert: (alertId) => call(`/api/v6/desk/alerts/${segment(alertId)}`, deskAlertSchema),
    decide: (alertId, request) =>
      call(`/api/v6/alerts/${segment(alertId)}/outcome`, manualOutcomeResponseSchema, {
        method: 'POST',
        json: request,
      }),
    caseDocuments: async (caseId) =>
      (await call(`/api/v6/cases/${segment(caseId)}/documents`, documentListSchema)).items,
    fileCase: (request) =>
      call('/api/v6/cases', caseDetailSchema, { method: 'POST', json: request }),
    attachDocument(caseId, file, memo) {
      const form = new FormData();
      if (memo !== undefined) form.set('memo', memo);
      form.set('file', file, file.name);
      return call(`/api/v6/cases/${segment(caseId)}/documents`, documentSchema, {
        method: 'POST',
        body: form,
      });
    },
  };
}
