import { AsyncResource } from 'node:async_hooks';

type Callback = (this: unknown, ...args: unknown[]) => unknown;
type Bind = (this: AsyncResource, fn: Callback, thisArg?: unknown) => unknown;

/**
 * Node 20's `AsyncResource#bind` gives the bound function a deprecated
 * `asyncResource` accessor (DEP0172), built with `util.deprecate` on every
 * call: about 40 µs each on the 2-core machine, and Fastify binds one per
 * request that has a body (its content-type parser). This `bind` does the same
 * (the function runs in the resource's scope, with the same `this` rules and
 * `length`) and keeps `asyncResource` as a plain property: about 2 µs.
 * Installed only where the runtime's own `bind` still builds that accessor.
 */
export function installCheapAsyncResourceBind(): boolean {
  const probe = new AsyncResource('bind-probe').bind(() => undefined);
  if (!Object.getOwnPropertyDescriptor(probe, 'asyncResource')?.get) return false;
  const bind: Bind = function (fn, thisArg) {
    return boundTo(this, fn, thisArg);
  };
  (AsyncResource.prototype as unknown as { bind: Bind }).bind = bind;
  return true;
}

function boundTo(resource: AsyncResource, fn: Callback, thisArg: unknown) {
  if (typeof fn !== 'function') {
    throw Object.assign(new TypeError('The "fn" argument must be of type function'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, fn, thisArg);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    value: fn.length,
    writable: false,
  });
  Object.defineProperty(bound, 'asyncResource', {
    configurable: true,
    enumerable: true,
    value: resource,
    writable: true,
  });
  return bound;
}
