import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { EventFieldsSchema, parseEventInput } from '../../lambdas/core/events/event-spec';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import { WaitingRoomSchema } from '../../lambdas/core/waiting-room/settings';
import type { WaitingRoomDeps } from '../../lambdas/core/waiting-room/waiting-room-repository';
import { joinWaitingRoom } from '../../lambdas/core/waiting-room/waiting-room-service';
import { PROJECT_ROOT } from '../../lib/constructs/node-handler';
import { FakeOrderRepository } from '../support/fakes/fake-order-repository';
import { FakeWaitingRoomRepository } from '../support/fakes/fake-waiting-room-repository';

/**
 * #12, "the API contract lags": docs/openapi.yaml must let a client create (and read) an event
 * with a waiting room. Its schemas are checked with a JSON Schema 2020-12 validator (OpenAPI
 * 3.1's dialect) against what the API really accepts and answers.
 */
describe('docs/openapi.yaml: the waiting room', () => {
  const doc = parse(readFileSync(join(PROJECT_ROOT, 'docs', 'openapi.yaml'), 'utf8')) as {
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const validate = (name: string, value: unknown) => {
    const check = ajv.getSchema(`openapi#/components/schemas/${name}`);
    if (!check) throw new Error(`no schema ${name}`);
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  const roomEvent = {
    eventId: 'big-drop',
    name: 'Big drop',
    rows: 2,
    seatsPerRow: 5,
    priceCents: 1000,
    waitingRoom: {
      enabled: true,
      maxActivePurchasers: 5,
      admissionSeconds: 120,
      abandonAfterSeconds: 90,
    },
    salesStartAt: '2026-12-01T10:00:00Z',
  };

  it('an event input with a waiting room validates, as the API accepts it', () => {
    expect(parseEventInput(roomEvent).waitingRoom).toEqual(roomEvent.waitingRoom);
    expect(validate('EventInput', roomEvent)).toEqual([]);
    expect(validate('EventInput', { ...roomEvent, waitingRoom: {} })).toEqual([]); // all defaults
  });

  it('refuses the waiting-room settings the API refuses', () => {
    for (const waitingRoom of [
      { maxActivePurchasers: 0 },
      { maxActivePurchasers: 1001 },
      { admissionSeconds: 5 },
      { positionShards: 2 },
      { enabled: 'yes' },
      { queueSize: 10 },
    ]) {
      expect(() => parseEventInput({ ...roomEvent, waitingRoom })).toThrow();
      expect(validate('EventInput', { ...roomEvent, waitingRoom }), JSON.stringify(waitingRoom)).not.toEqual([]);
    }
  });

  it('names exactly the fields of the event and waiting-room schemas the API parses with', () => {
    expect(Object.keys(doc.components.schemas.EventInput?.properties ?? {}).sort()).toEqual(
      Object.keys(EventFieldsSchema.shape).sort(),
    );
    expect(Object.keys(doc.components.schemas.WaitingRoomSettings?.properties ?? {}).sort()).toEqual(
      Object.keys(WaitingRoomSchema.shape).sort(),
    );
  });

  it('an event with a waiting room as the API answers it validates as Event', () => {
    const event: EventRecord = {
      ...parseEventInput(roomEvent),
      eventId: 'big-drop',
      status: 'ON_SALE',
      seatCount: 10,
      createdAt: 1,
    } as EventRecord;
    expect(validate('Event', event)).toEqual([]);
    expect(validate('Event', { ...event, waitingRoom: { ...event.waitingRoom, extra: 1 } })).not.toEqual([]);
  });

  it('the buyer’s and the operator’s waiting-room views validate', async () => {
    const clock = { now: 1_800_000_000_000 };
    const deps: WaitingRoomDeps = {
      room: new FakeWaitingRoomRepository(),
      orders: new FakeOrderRepository(() => clock.now),
      now: () => clock.now,
    };
    const event = {
      ...parseEventInput({ ...roomEvent, waitingRoom: { maxActivePurchasers: 1 } }),
      eventId: 'big-drop',
      status: 'ON_SALE',
      seatCount: 10,
      createdAt: 1,
    } as EventRecord;
    const key = 'openapi-test-signing-key-0123456789abcdef';
    expect(validate('BuyerWaitingRoomStatus', await joinWaitingRoom(deps, event, 'a', key))).toEqual([]);
    expect(validate('BuyerWaitingRoomStatus', await joinWaitingRoom(deps, event, 'b', key))).toEqual([]);
    expect(validate('OperatorWaitingRoomStatus', await operatorWaitingRoomStatus(deps, event))).toEqual([]);
  });
});
