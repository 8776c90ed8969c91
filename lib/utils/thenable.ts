/** Whether `value` is a promise (or any thenable), i.e. must be awaited. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Whether `fn` was declared `async` (known before it is ever called). */
export function isAsyncFunction(fn: unknown): boolean {
  return (
    typeof fn === 'function' && Object.prototype.toString.call(fn) === '[object AsyncFunction]'
  );
}
