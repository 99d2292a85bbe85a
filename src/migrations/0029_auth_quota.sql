-- A quota per key: at most p_limit takes in any p_window_seconds, for things
-- that are not failures but must still be rationed per account whoever asks
-- (password-reset mails: docs/identity-sign-in.md "Brute force").
--
-- It is a generic cell rate algorithm over the auth_throttle table, so the
-- keys stay HMACs and the hourly throttle purge forgets quiet rows: for a
-- quota key, blocked_until holds the theoretical arrival time (TAT). A take is
-- allowed when TAT - (p_limit - 1) * window <= now, and moves TAT on by one
-- window: a burst of p_limit, then one per window, never more than p_limit in
-- any window. The check and the update are one statement under the row's
-- lock, so concurrent requests cannot all slip through.
--
-- Returns null when the take was allowed, otherwise when the next one will be.
create or replace function confidant_auth_quota_take(
  p_key bytea, p_now timestamptz, p_limit integer, p_window_seconds integer
) returns timestamptz
language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_step interval;
  v_slack interval;
  v_tat timestamptz;
begin
  if p_limit < 1 or p_window_seconds < 1 then
    raise exception 'confidant_auth_quota_take: limit and window must be positive';
  end if;
  v_step := make_interval(secs => p_window_seconds);
  v_slack := make_interval(secs => p_window_seconds::float8 * (p_limit - 1));
  insert into public.auth_throttle as t (key, failures, blocked_until, last_failure_at)
  values (p_key, 1, p_now + v_step, p_now)
  on conflict (key) do update
    set blocked_until = greatest(t.blocked_until, p_now) + v_step,
        failures = least(t.failures + 1, 1000000),
        last_failure_at = greatest(t.last_failure_at, p_now)
    where greatest(t.blocked_until, p_now) - v_slack <= p_now
  returning t.blocked_until into v_tat;
  if found then
    return null;
  end if;
  select t.blocked_until - v_slack into v_tat from public.auth_throttle t where t.key = p_key;
  return v_tat;
end $$;
alter function confidant_auth_quota_take(bytea, timestamptz, integer, integer) owner to confidant_definer;
revoke execute on function confidant_auth_quota_take(bytea, timestamptz, integer, integer) from public;
grant execute on function confidant_auth_quota_take(bytea, timestamptz, integer, integer) to confidant_app;
