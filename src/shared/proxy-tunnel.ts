import type { Agent } from 'node:http';
import { errorCode } from './network-errors.js';
import { createRedactor, redactUrl } from './redact.js';
import { tlsOptionsOf, type Trust } from './trust.js';

/** The proxy a connection goes through, and what named it (`--proxy`, `HTTPS_PROXY`, ...). */
export interface ProxyRoute {
  /** The proxy's URL, credentials included: shown only through `redactUrl`. */
  url: string;
  source: string;
}

/** What the proxy answered to a CONNECT. */
export interface ProxyAnswer {
  status: number;
  statusText: string;
}

/** An agent that tunnels one connection through a proxy, and what the proxy answered it. */
export interface ProxyTunnel {
  agent: Agent;
  route: ProxyRoute;
  /** The proxy's answer to the CONNECT; null while (or if ever) it has not answered. */
  answer(): ProxyAnswer | null;
}

/** Opens a tunnel for one connection (an HTTP agent of its own, so its answer is its own). */
export type OpenTunnel = () => ProxyTunnel;

/** Why a connection through a proxy failed, in the words of a failure or an error. */
export interface ProxyProblem {
  code: string;
  message: string;
  hint: string;
}

/**
 * Prepares tunnels through `route` with HTTP CONNECT (https-proxy-agent, loaded only here): the
 * TLS of a wss:// or https:// target inside the tunnel, and of an https:// proxy, trust `trust`.
 */
export async function prepareTunnels(route: ProxyRoute, trust: Trust): Promise<OpenTunnel> {
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  const tls = tlsOptionsOf(trust);
  return () => {
    const agent = new HttpsProxyAgent(route.url, tls);
    let answer: ProxyAnswer | null = null;
    agent.on('proxyConnect', (connect: { statusCode: number; statusText: string }) => {
      answer = { status: connect.statusCode, statusText: connect.statusText };
    });
    return { agent, route, answer: () => answer };
  };
}

// Error texts of the network stack hold no secret of ours, but a proxy URL may stand in one.
const redact = createRedactor([]);

/** A proxy in words: `the proxy URL (from SOURCE)`, its credentials masked. */
export function describeProxy(route: ProxyRoute): string {
  return `the proxy ${redactUrl(route.url)} (from ${route.source})`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The proxy answered the CONNECT to `target` (host:port) with something other than 200. */
export function proxyRefused(route: ProxyRoute, target: string, answer: ProxyAnswer): ProxyProblem {
  const status = `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
  if (answer.status === 407) {
    const hasCredentials = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(route.url);
    return {
      code: 'PROXY_AUTH_REQUIRED',
      message: `${capitalised(describeProxy(route))} asked for credentials (${status}) to reach ${target}.`,
      hint: hasCredentials
        ? `Check the user and password in the proxy URL of ${route.source}.`
        : `Give them in the proxy URL of ${route.source}, as user:password@ before its host.`,
    };
  }
  return {
    code: 'PROXY_REFUSED',
    message: `${capitalised(describeProxy(route))} refused a tunnel to ${target} (${status}).`,
    hint:
      answer.status === 403
        ? 'The proxy does not let this host or port through; have it allowed, or list the host in NO_PROXY if it is reachable without the proxy.'
        : `The proxy could not reach ${target}; check the URL, or list the host in NO_PROXY if it is reachable without the proxy.`,
  };
}

/** The proxy could not be reached, or closed before it answered the CONNECT. */
export function proxyUnreachable(route: ProxyRoute, error: unknown): ProxyProblem {
  const code = errorCode(error);
  const detail = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
  return {
    code: 'PROXY_UNREACHABLE',
    message: `${capitalised(describeProxy(route))} could not be reached: ${redact(detail)}${code === undefined || detail.includes(code) ? '' : ` (${code})`}.`,
    hint: `Check the proxy URL in ${route.source} and that the proxy is up; NO_PROXY lists the hosts to reach without it.`,
  };
}
