import { describe, expect, it } from 'vitest';
import { parseEventInput } from '../../lambdas/core/events/event-spec';
import { activeWaitingRoom, WaitingRoomSchema } from '../../lambdas/core/waiting-room/settings';

/** An event's waiting-room settings, as an organiser sends them with the event. */

const event = { name: 'Drop', rows: 2, seatsPerRow: 5, priceCents: 1000 };

describe('waiting-room settings', () => {
  it('an empty room is switched on with 10 slots, 5-minute admissions and a 2-minute absence', () => {
    expect(WaitingRoomSchema.parse({})).toEqual({
      enabled: true,
      maxActivePurchasers: 10,
      admissionSeconds: 300,
      abandonAfterSeconds: 120,
    });
    expect(parseEventInput({ ...event, waitingRoom: {} }).waitingRoom).toEqual({
      enabled: true,
      maxActivePurchasers: 10,
      admissionSeconds: 300,
      abandonAfterSeconds: 120,
    });
  });

  it('an event without a room has none', () => {
    expect(parseEventInput(event).waitingRoom).toBeUndefined();
  });

  it.each([
    [{ maxActivePurchasers: 0 }, 'waitingRoom.maxActivePurchasers'],
    [{ maxActivePurchasers: 1001 }, 'waitingRoom.maxActivePurchasers'],
    [{ admissionSeconds: 9 }, 'waitingRoom.admissionSeconds'],
    [{ admissionSeconds: 3601 }, 'waitingRoom.admissionSeconds'],
    [{ positionShards: 2 }, 'waitingRoom'], // gone with the position counters: a join is numbered by the batch writer
    [{ enabled: 'yes' }, 'waitingRoom.enabled'],
    [{ fifo: true }, 'waitingRoom'],
  ])('refuses %j, naming %s', (waitingRoom, path) => {
    expect(() => parseEventInput({ ...event, waitingRoom })).toThrow(`${path}: `);
  });

  it('takes the limits themselves', () => {
    const limits = { maxActivePurchasers: 1000, admissionSeconds: 3600 };
    expect(WaitingRoomSchema.parse(limits)).toMatchObject(limits);
    expect(WaitingRoomSchema.parse({ maxActivePurchasers: 1, admissionSeconds: 10 })).toMatchObject({
      maxActivePurchasers: 1,
      admissionSeconds: 10,
    });
  });
});

describe('the active room of an event', () => {
  const settings = WaitingRoomSchema.parse({ maxActivePurchasers: 2 });

  it('is its room when the room is on', () => {
    expect(activeWaitingRoom({ waitingRoom: settings })).toEqual(settings);
  });

  it('carries the sale start (epoch ms) of a fair start, and the default absence for rooms stored before it', () => {
    const { abandonAfterSeconds: _absent, ...older } = settings;
    expect(activeWaitingRoom({ waitingRoom: older, salesStartAt: '2026-12-01T10:00:00Z' })).toEqual({
      ...settings,
      abandonAfterSeconds: 120,
      salesStartAt: Date.parse('2026-12-01T10:00:00Z'),
    });
  });

  it('is none when the room is off or absent: the event sells without a queue', () => {
    expect(activeWaitingRoom({ waitingRoom: { ...settings, enabled: false } })).toBeUndefined();
    expect(activeWaitingRoom({})).toBeUndefined();
  });
});
