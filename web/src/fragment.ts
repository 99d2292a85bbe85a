import { useEffect, useState } from 'react';

/**
 * One-time tokens travel in the URL fragment (never sent to a server, never in
 * a Referer); the page reads it once and takes it off the address bar.
 */
export function useFragmentToken(): string {
  const [token] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '');
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  return token;
}
