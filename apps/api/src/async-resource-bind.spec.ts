import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { installCheapAsyncResourceBind } from './async-resource-bind';

describe('AsyncResource#bind, cheap', () => {
  const nativeBind = AsyncResource.prototype.bind;
  afterAll(() => {
    AsyncResource.prototype.bind = nativeBind;
  });

  it('runs the function in the resource scope, with its this, arguments, result and length', () => {
    if (!installCheapAsyncResourceBind()) {
      // A runtime whose bind builds no deprecated accessor keeps its own: nothing to replace.
      const bound = new AsyncResource('probe').bind(() => undefined);
      expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')?.get).toBeUndefined();
      return;
    }
    expect(AsyncResource.prototype.bind).not.toBe(nativeBind);
    const storage = new AsyncLocalStorage<string>();
    const resource = storage.run('bound here', () => new AsyncResource('test'));
    function seen(this: unknown, a: number, b: number) {
      return { store: storage.getStore(), self: this, sum: a + b };
    }
    const bound = resource.bind(seen) as unknown as typeof seen;
    const self = { name: 'caller' };
    expect(storage.run('elsewhere', () => bound.call(self, 1, 2))).toEqual({
      store: 'bound here',
      self,
      sum: 3,
    });
    expect(bound.length).toBe(2);
    // Node takes a thisArg (v14.8+); these typings do not declare it.
    const bindWithThis = resource.bind as unknown as (
      this: AsyncResource,
      fn: typeof seen,
      thisArg: unknown,
    ) => typeof seen;
    const withThis = bindWithThis.call(resource, seen, 'fixed');
    expect(withThis.call(self, 2, 3)).toEqual({ store: 'bound here', self: 'fixed', sum: 5 });
    expect((bound as unknown as { asyncResource: AsyncResource }).asyncResource).toBe(resource);
    expect(() => resource.bind('no function' as never)).toThrow(TypeError);
  });

  it('builds no deprecated accessor per call (what made the runtime bind cost ~40 µs)', () => {
    AsyncResource.prototype.bind = nativeBind;
    const resource = new AsyncResource('test');
    const native = Object.getOwnPropertyDescriptor(
      resource.bind(() => 1),
      'asyncResource',
    );
    if (!installCheapAsyncResourceBind()) return; // nothing replaced (see above)
    expect(typeof native?.get).toBe('function');
    const cheap = Object.getOwnPropertyDescriptor(
      resource.bind(() => 1),
      'asyncResource',
    );
    expect(cheap).toMatchObject({ value: resource, enumerable: true });
    expect(cheap?.get).toBeUndefined();
  });
});
