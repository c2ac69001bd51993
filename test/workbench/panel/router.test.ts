import { vscode } from '../../support/vscode';
import * as assert from 'node:assert/strict';
import { event, query, request, signal, type Envelope, type Protocol } from '../../../src/shared/protocol';
import { EnvelopeRouter, type ChannelHandler } from '../../../src/workbench/panel/router';
import { recordingLog } from '../../support/fakeTabHost';

const greetProtocol = {
  requests: {
    greet: request<{ name: string; times?: number }, string>({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, times: { type: 'integer', minimum: 1, nullable: true } },
      required: ['name'],
      additionalProperties: false,
    }),
    ping: query<string>(),
    /** Declared, but the handler below leaves it out. */
    unhandled: query<void>(),
  },
  fromWebview: {
    touched: event<{ at: number }>({ type: 'object', properties: { at: { type: 'number' } }, required: ['at'], additionalProperties: false }),
    quiet: signal(),
  },
  toWebview: { greeted: signal<{ text: string }>() },
} as const satisfies Protocol;

interface Setup {
  router: EnvelopeRouter;
  log: ReturnType<typeof recordingLog>;
  calls: string[];
  /** Set by a test to make a handler fail. */
  fail: { greet?: unknown; touched?: unknown };
}

function setup(): Setup {
  const log = recordingLog();
  const calls: string[] = [];
  const fail: Setup['fail'] = {};
  const router = new EnvelopeRouter(log, 'Test page');
  const handler: ChannelHandler = {
    protocol: greetProtocol,
    requests: {
      greet: ({ name, times }: { name: string; times?: number }) => {
        calls.push(`greet ${name}`);
        if (fail.greet) throw fail.greet;
        return `hello ${name}`.repeat(times ?? 1);
      },
      ping: async () => {
        calls.push('ping');
        return 'pong';
      },
    },
    notifications: {
      touched: ({ at }: { at: number }) => {
        calls.push(`touched ${at}`);
        if (fail.touched) throw fail.touched;
      },
    },
  };
  router.add('tab', handler);
  return { router, log, calls, fail };
}

const req = (type: string, payload?: unknown, id = 7, channel = 'tab'): Envelope => ({ channel, kind: 'request', id, type, payload });
const note = (type: string, payload?: unknown, channel = 'tab'): Envelope => ({ channel, kind: 'notify', type, payload });
const errors = (log: Setup['log']) => log.lines.filter((l) => l.level === 'error').map((l) => l.message);

describe('workbench/panel EnvelopeRouter', () => {
  it('answers a request with one reply carrying its id, channel and the handler result', async () => {
    const { router, calls } = setup();
    assert.deepEqual(await router.dispatch(req('greet', { name: 'Ada', times: 2 }, 41)), { channel: 'tab', kind: 'reply', id: 41, payload: 'hello Adahello Ada' });
    assert.deepEqual(await router.dispatch(req('ping', undefined, 42)), { channel: 'tab', kind: 'reply', id: 42, payload: 'pong' });
    assert.deepEqual(calls, ['greet Ada', 'ping']);
  });

  it('answers a failing request with one error naming the cause, and logs it', async () => {
    const { router, log, fail } = setup();
    fail.greet = new Error('the function is gone');
    assert.deepEqual(await router.dispatch(req('greet', { name: 'Ada' }, 3)), { channel: 'tab', kind: 'error', id: 3, message: 'the function is gone' });
    assert.deepEqual(errors(log), ['Test page, tab, greet: the function is gone']);
  });

  it('rejects parameters that do not fit the schema, naming the field, before the handler runs', async () => {
    const { router, calls } = setup();
    const wrongType = await router.dispatch(req('greet', { name: 'Ada', times: 'twice' }));
    assert.equal(wrongType?.kind, 'error');
    assert.match((wrongType as { message: string }).message, /^Rejected the greet message from the panel: must be integer at \/times$/);
    const missing = await router.dispatch(req('greet', {}));
    assert.match((missing as { message: string }).message, /must have required property 'name'/);
    const extra = await router.dispatch(req('greet', { name: 'Ada', admin: true }));
    assert.match((extra as { message: string }).message, /must NOT have additional properties/);
    const payloadForQuery = await router.dispatch(req('ping', { sneaky: 1 }));
    assert.match((payloadForQuery as { message: string }).message, /Rejected the ping message from the panel: it takes no payload/);
    assert.deepEqual(calls, []);
  });

  it('answers an unknown request, or one on an unknown channel, with an error instead of silence', async () => {
    const { router, log } = setup();
    assert.deepEqual(await router.dispatch(req('launch', undefined, 5)), { channel: 'tab', kind: 'error', id: 5, message: 'The panel does not know the request "launch".' });
    assert.deepEqual(await router.dispatch(req('ping', undefined, 6, 'other')), { channel: 'other', kind: 'error', id: 6, message: 'The panel does not know the request "ping".' });
    // Declared by the protocol but not implemented by the tab.
    assert.deepEqual(await router.dispatch(req('unhandled', undefined, 8)), { channel: 'tab', kind: 'error', id: 8, message: 'The panel does not know the request "unhandled".' });
    assert.equal(log.lines.filter((l) => l.level === 'warn').length, 3);
  });

  it('refuses names of Object.prototype members and never calls anything for them', async () => {
    const log = recordingLog();
    const router = new EnvelopeRouter(log, 'Test page');
    const called: string[] = [];
    const trap = (name: string) => () => void called.push(name);
    // Tables that inherit those names, as a table built on a careless prototype would.
    const inherited = { constructor: trap('constructor'), toString: trap('toString'), valueOf: trap('valueOf'), hasOwnProperty: trap('hasOwnProperty') };
    const declared = { kind: 'request', schema: undefined };
    const protocol = {
      requests: Object.assign(Object.create({ constructor: declared, toString: declared, valueOf: declared, hasOwnProperty: declared }), { ping: query<string>() }),
      fromWebview: Object.assign(Object.create({ constructor: signal(), toString: signal() }), { quiet: signal() }),
      toWebview: {},
    } as Protocol;
    router.add('tab', {
      protocol,
      requests: Object.assign(Object.create(inherited), { ping: () => 'pong' }),
      notifications: Object.assign(Object.create(inherited), {}),
    });
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      assert.deepEqual(await router.dispatch(req(name, undefined, 9)), { channel: 'tab', kind: 'error', id: 9, message: `The panel does not know the request "${name}".` });
      assert.equal(await router.dispatch(note(name)), undefined);
    }
    // Not even a well-formed name: dropped as malformed, without an answer.
    assert.equal(await router.dispatch(req('__proto__')), undefined);
    assert.equal(await router.dispatch(note('__proto__')), undefined);
    assert.deepEqual(called, []);
    assert.equal(await router.dispatch(req('ping')).then((a) => a?.kind), 'reply');
  });

  it('answers a cancelled request with "Cancelled", and does not log it as an error', async () => {
    const { router, log, fail } = setup();
    fail.greet = new vscode.CancellationError();
    assert.deepEqual(await router.dispatch(req('greet', { name: 'Ada' }, 12)), { channel: 'tab', kind: 'error', id: 12, message: 'Cancelled' });
    assert.deepEqual(errors(log), []);
  });

  it('passes a checked notification to its handler and answers nothing', async () => {
    const { router, calls, log } = setup();
    assert.equal(await router.dispatch(note('touched', { at: 5 })), undefined);
    assert.deepEqual(calls, ['touched 5']);
    // A bad payload never reaches the handler; the log says why.
    assert.equal(await router.dispatch(note('touched', { at: 'now' })), undefined);
    assert.deepEqual(calls, ['touched 5']);
    assert.match(errors(log)[0] ?? '', /^Test page, tab, touched: Rejected the touched message from the panel: must be number at \/at$/);
  });

  it('ignores a declared notification the tab has no handler for', async () => {
    const { router, calls, log } = setup();
    assert.equal(await router.dispatch(note('quiet')), undefined);
    assert.deepEqual(calls, []);
    assert.deepEqual(errors(log), []);
  });

  it('ignores undeclared notifications and malformed messages, saying so in the log', async () => {
    const { router, calls, log } = setup();
    assert.equal(await router.dispatch(note('unknownThing', { a: 1 })), undefined);
    assert.equal(await router.dispatch(note('touched', { at: 1 }, 'other')), undefined);
    for (const junk of [null, 'text', { channel: 'tab', kind: 'request', type: 'ping' }, { channel: 'Tab!', kind: 'notify', type: 'touched' }, { channel: 'tab', kind: 'shout' }]) {
      assert.equal(await router.dispatch(junk), undefined);
    }
    // The extension sends no requests, so a reply from the webview goes nowhere.
    assert.equal(await router.dispatch({ channel: 'tab', kind: 'reply', id: 1, payload: 'x' }), undefined);
    assert.deepEqual(calls, []);
    const warnings = log.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    assert.equal(warnings.length, 7);
    assert.match(warnings[0], /ignored notification "unknownThing" on tab/);
    assert.match(warnings[2], /ignored a malformed message null/);
  });

  it('logs a failing notification handler with the page, channel and message name', async () => {
    const { router, log, fail } = setup();
    fail.touched = new Error('clipboard unavailable');
    assert.equal(await router.dispatch(note('touched', { at: 1 })), undefined);
    assert.deepEqual(errors(log), ['Test page, tab, touched: clipboard unavailable']);
  });

  it('sends a channel\'s notifications in envelopes through the given post', () => {
    const { router } = setup();
    const posted: Envelope[] = [];
    const notify = router.notifier<typeof greetProtocol>('tab', (m) => posted.push(m));
    notify('greeted', { text: 'hi' });
    assert.deepEqual(posted, [{ channel: 'tab', kind: 'notify', type: 'greeted', payload: { text: 'hi' } }]);
    assert.ok(router.has('tab'));
    assert.ok(!router.has('other'));
  });
});
