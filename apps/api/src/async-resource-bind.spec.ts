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
    const withThis = resource.bind(seen, 'fixed') as unknown as typeof seen;
    expect(withThis.call(self, 2, 3)).toEqual({ store: 'bound here', self: 'fixed', sum: 5 });
    expect((bound as unknown as { asyncResource: AsyncResource }).asyncResource).toBe(resource);
    expect(() => resource.bind('no function' as never)).toThrow(TypeError);
  });

  it('costs a fraction of the runtime bind it replaces', () => {
    AsyncResource.prototype.bind = nativeBind;
    const resource = new AsyncResource('test');
    const time = () => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 2000; i++) resource.bind(() => i)();
      return Number(process.hrtime.bigint() - start);
    };
    const native = time();
    if (!installCheapAsyncResourceBind()) return; // nothing replaced (see above)
    expect(time()).toBeLessThan(native / 3);
  });
});
