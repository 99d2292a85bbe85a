/**
 * Hook points: a module that lets others take part in its work (a merge that
 * carries notes over, a rename that re-tokens contacts) offers a point by
 * declaring it here, by declaration merging, and lists it in its definition's
 * `offers`:
 *
 *   declare module '../../kernel/hooks.js' {
 *     interface HookPoints { 'contacts.merged': MergeHook }
 *   }
 *
 * Other modules give handlers in their definition's `hooks`. The composition
 * root gathers them once (no process-wide setter: two apps in one process
 * each have their own), and refuses a handler for a point nobody offers.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HookPoints {}

export type HookName = Extract<keyof HookPoints, string>;

/** The handlers one module gives, by hook point. */
export type HookHandlers = { [K in HookName]?: HookPoints[K] };

interface Given {
  module: string;
  handler: unknown;
}

export class Hooks {
  private readonly byPoint = new Map<string, Given[]>();

  /** `offered`: every point some module offers; `given`: each module's handlers, in module-list order. */
  constructor(offered: Iterable<string>, given: ReadonlyArray<{ module: string; hooks: HookHandlers }>) {
    for (const name of offered) this.byPoint.set(name, []);
    for (const { module, hooks } of given) {
      for (const [name, handler] of Object.entries(hooks)) {
        const list = this.byPoint.get(name);
        if (!list) throw new Error(`module ${module} gives a handler for hook ${name}, which no module offers`);
        if (handler !== undefined) list.push({ module, handler });
      }
    }
  }

  /** Every handler of a point, in module-list order (each named by its module, e.g. for the merge report). */
  all<K extends HookName>(name: K): ReadonlyArray<{ module: string; handler: HookPoints[K] }> {
    const list = this.byPoint.get(name);
    if (!list) throw new Error(`hook ${name} is not offered by any module`);
    return list as ReadonlyArray<{ module: string; handler: HookPoints[K] }>;
  }

  /** The one handler of a point that takes at most one (a resolver); two is a wiring error. */
  one<K extends HookName>(name: K): HookPoints[K] | null {
    const list = this.all(name);
    if (list.length > 1) throw new Error(`hook ${name} takes one handler; ${list.map((g) => g.module).join(' and ')} both give one`);
    return list[0]?.handler ?? null;
  }

  static none(): Hooks {
    return new Hooks([], []);
  }
}
