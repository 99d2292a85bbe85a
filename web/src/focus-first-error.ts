import { useEffect, type RefObject } from 'react';

/**
 * The first field of `root` that shows an error, in page order: an input
 * marked aria-invalid (Mantine marks the ones given an `error`), else a
 * control inside a group (radios, a fieldset) that shows an error message,
 * else an alert the form shows for a problem no field holds.
 */
export function firstInvalid(root: HTMLElement): HTMLElement | null {
  for (const el of root.querySelectorAll<HTMLElement>('input:not([type=hidden]), select, textarea')) {
    if (el.getAttribute('aria-invalid') === 'true') return el;
    // Mantine marks a radio or checkbox group's wrapper, not its inputs.
    const group = el.closest<HTMLElement>('[role=radiogroup], [role=group]');
    const wrapper = group?.closest<HTMLElement>('.mantine-InputWrapper-root') ?? group;
    if (group && wrapper && root.contains(wrapper) && wrapper.querySelector(':scope > .mantine-InputWrapper-error')) {
      return group.querySelector<HTMLInputElement>('input[type=radio]:checked') ?? el;
    }
  }
  return root.querySelector<HTMLElement>('[role=alert][tabindex]');
}

/**
 * After a submit that found errors, focus moves to the first invalid field,
 * where a keyboard or screen reader user hears what to fix. `errors` is what
 * a failed submit sets (a local errors object, the mutation's error): each new
 * value moves the focus once.
 */
export function useFocusFirstError(root: RefObject<HTMLElement | null>, ...errors: unknown[]): void {
  useEffect(() => {
    if (!errors.some((e) => Boolean(e) && !(typeof e === 'object' && !(e instanceof Error) && Object.keys(e as object).length === 0))) return;
    // A frame later: an error the caller sets in the mutation's onError renders after the mutation's own state.
    const frame = requestAnimationFrame(() => {
      const el = root.current ? firstInvalid(root.current) : null;
      if (!el) return;
      // Centred: scrolled only as far as needed, it would sit under the sticky header.
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: 'center' });
    });
    return () => cancelAnimationFrame(frame);
  }, errors);
}
