import { describe, expect, it } from 'vitest';
import type { DynamoOperation } from '../../bench/simulator/aws-meter';
import { operationOf, ownAndProcessorWrites, writesByTable } from '../../bench/simulator/writes-by-table';

const op = (calls: number, writeUnits: number, estimatedWriteUnits = 0, readUnits = 0): DynamoOperation => ({
  calls,
  refused: estimatedWriteUnits > 0 ? 1 : 0,
  readUnits,
  writeUnits,
  estimatedWriteUnits,
});

describe('writes by table (bench:cost)', () => {
  it('reads the operation and tables of a meter key', () => {
    expect(operationOf('api/orders › orders/order-store · Put orders')).toEqual({
      operation: 'Put',
      tables: ['orders'],
    });
    expect(operationOf('api/admin › events/event-report · Query orders.byEvent')).toEqual({
      operation: 'Query',
      tables: ['orders'],
    });
    expect(operationOf('steps/x › - · TransactWriteItems orders+seats').tables).toEqual(['orders', 'seats']);
  });

  it('sums writes per unit by table, refused writes included, reads left out', () => {
    const byTable = writesByTable(
      {
        'api/orders › orders/order-store · Put orders': op(20, 40),
        'steps/complete-order › orders/order-store · Update orders': op(20, 20),
        'api/orders › seats/seat-writes · Update seats': op(30, 20, 10),
        'api/orders › orders/order-store · Get orders': op(40, 0, 0, 40),
        'steps/charge-payment › payments/simulated-processor · Update payments': op(40, 60),
      },
      20,
    );
    expect(byTable).toEqual({
      orders: { requests: 2, wcu: 3 },
      seats: { requests: 1.5, wcu: 1.5 },
      payments: { requests: 2, wcu: 3 },
    });
  });

  it("keeps the simulated processor's ledger apart from TicketDrop's own tables", () => {
    const split = ownAndProcessorWrites({
      orders: { requests: 5, wcu: 6 },
      payments: { requests: 2, wcu: 3 },
      'orders+payments': { requests: 1, wcu: 4 },
    });
    expect(split).toEqual({ own: { requests: 6, wcu: 10 }, processor: { requests: 2, wcu: 3 } });
  });
});
