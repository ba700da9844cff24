import type { AppConfig } from './types';

/**
 * The build is stage-independent: where the API and the WebSocket live comes from /config.json
 * (the local gateway serves it; on AWS a deploy step writes it). Without it: same origin, /ws.
 */
export async function loadConfig(): Promise<AppConfig> {
  const fallback = sameOriginConfig();
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) return fallback;
    const value = (await response.json()) as Partial<AppConfig>;
    return {
      apiBaseUrl: typeof value.apiBaseUrl === 'string' ? value.apiBaseUrl.replace(/\/+$/, '') : fallback.apiBaseUrl,
      websocketUrl:
        typeof value.websocketUrl === 'string' && value.websocketUrl ? value.websocketUrl : fallback.websocketUrl,
    };
  } catch {
    return fallback;
  }
}

function sameOriginConfig(): AppConfig {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return { apiBaseUrl: '', websocketUrl: `${scheme}://${window.location.host}/ws` };
}
