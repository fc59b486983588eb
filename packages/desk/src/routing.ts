import { DESK_QUEUE_STATUSES, type DeskQueueQuery } from '@mastercom/contracts';

/** Where the desk is, read from the URL's hash so that every view can be bookmarked and reloaded. */
export type DeskRoute =
  { page: 'queue'; filters: QueueFilters } | { page: 'alert'; alertId: string };

export type QueueFilters = Pick<Partial<DeskQueueQuery>, 'status' | 'type' | 'merchant'>;

export function parseRoute(hash: string): DeskRoute {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const alert = /^\/alerts\/(.+)$/.exec(path);
  if (alert?.[1] !== undefined) {
    try {
      return { page: 'alert', alertId: decodeURIComponent(alert[1]) };
    } catch {
      return { page: 'queue', filters: {} };
    }
  }
  const params = new URLSearchParams(search);
  const status = params.get('status');
  const type = params.get('type');
  const merchant = params.get('merchant');
  return {
    page: 'queue',
    filters: {
      ...((DESK_QUEUE_STATUSES as readonly string[]).includes(status ?? '')
        ? { status: status as QueueFilters['status'] }
        : {}),
      ...(type === 'CONFIRMEDFRAUD' || type === 'CUSTOMERDISPUTE' ? { type } : {}),
      ...(merchant === null || merchant === '' ? {} : { merchant }),
    },
  };
}

export function queueHref(filters: QueueFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  const search = params.toString();
  return `#/queue${search === '' ? '' : `?${search}`}`;
}

export function alertHref(alertId: string): string {
  return `#/alerts/${encodeURIComponent(alertId)}`;
}
