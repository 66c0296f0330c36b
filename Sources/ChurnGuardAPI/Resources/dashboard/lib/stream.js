// The live stream (/ws/v1/stream) for the signed-in organization: browsers cannot set headers
// on a WebSocket, so the access token goes in `?token=` (never an API key; see docs/REALTIME.md).
import { currentSession } from './session.js';

/**
 * Opens the stream and subscribes to `subscriptions` (metric names or {metric_name, tags});
 * `onMessage(message)` gets every server message, `onStatus(text)` the connection's state.
 * Reconnects after a drop (2 s, then doubling up to 30 s). Returns {close()}.
 */
export function openStream(subscriptions, onMessage, onStatus = () => {}) {
  const session = currentSession();
  if (!session || session.kind !== 'token') {
    onStatus('unavailable');
    return { close() {} };
  }
  let socket = null;
  let closed = false;
  let delay = 2000;
  let timer = 0;

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws/v1/stream?token=${encodeURIComponent(session.credential)}`);
    onStatus('connecting');
    socket.addEventListener('open', () => {
      delay = 2000;
      socket.send(JSON.stringify({ subscribe: subscriptions }));
    });
    socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === 'subscribed') onStatus('live');
      onMessage(message);
    });
    socket.addEventListener('close', () => {
      if (closed) return;
      onStatus('reconnecting');
      timer = setTimeout(connect, delay);
      delay = Math.min(30_000, delay * 2);
    });
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000);
    },
  };
}
