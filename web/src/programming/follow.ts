/**
 * Following one record as it changes, through the live-update socket (`/api/v1/live`, protocol
 * at the top of `realtime/live.py`): a document batch logs each step of its work (started, how
 * far it got, finished or failed) in the change log, and the hub sends those changes to the
 * sockets subscribed to its record. `onchange` is called once subscribed (to read the record:
 * what happened before the subscription) and with every logged change after that. Should the
 * subscription be refused (a contract batch, for someone who does not read the planning) or the
 * socket fail, the record is read every few seconds instead.
 */

export type Change = Record<string, unknown> | null;

const POLL_MS = 3000;

export function followRecord(entity: string, id: number, onchange: (after: Change) => void): () => void {
  let socket: WebSocket | null = null;
  let closed = false;
  let poll: ReturnType<typeof setInterval> | undefined;

  const polling = (): void => {
    poll ??= setInterval(() => onchange(null), POLL_MS);
  };

  const send = (message: object): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };

  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  try {
    socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
  } catch {
    polling();
  }
  if (socket) {
    socket.onmessage = (message) => {
      let data: { type?: string; id?: string; after?: Change; reason?: string };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        return;
      }
      switch (data.type) {
        case 'hello':
          send({ type: 'subscribe', id: 'record', topic: { record: { entity, id } } });
          return;
        case 'subscribed':
          onchange(null); // what it became before we listened
          return;
        case 'event':
          onchange(data.after ?? null);
          return;
        case 'ping':
          send({ type: 'pong' });
          return;
        case 'unsubscribed':
        case 'error':
          polling();
          return;
      }
    };
    socket.onclose = () => {
      if (!closed) polling();
    };
  }

  return () => {
    closed = true;
    clearInterval(poll);
    socket?.close(1000, 'done');
  };
}
