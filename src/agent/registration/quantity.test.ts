import { describe, expect, it } from 'vitest';
import { addQuantities, formatQuantity, parseQuantity, sumNodeResources } from './quantity.js';

describe('quantities', () => {
  it('parses decimal, binary and exponent forms exactly', () => {
    expect(parseQuantity('2')).toEqual({ nano: 2_000_000_000n, format: 'DecimalSI' });
    expect(parseQuantity('500m')!.nano).toBe(500_000_000n);
    expect(parseQuantity('1.5Gi')).toEqual({ nano: 1_610_612_736_000_000_000n, format: 'BinarySI' });
    expect(parseQuantity('1e3')).toEqual({ nano: 1_000_000_000_000n, format: 'DecimalExponent' });
    expect(parseQuantity('abc')).toBeUndefined();
  });

  it('formats canonically', () => {
    expect(formatQuantity(4_000_000_000n, 'DecimalSI')).toBe('4');
    expect(formatQuantity(3_500_000_000n, 'DecimalSI')).toBe('3500m');
    expect(formatQuantity(2_000_000_000_000n, 'DecimalSI')).toBe('2k');
    expect(formatQuantity(parseQuantity('32Gi')!.nano, 'BinarySI')).toBe('32Gi');
    expect(formatQuantity(parseQuantity('100')!.nano, 'BinarySI')).toBe('100');
  });

  it('adds in the first operand format', () => {
    expect(addQuantities(['16331148Ki', '16331148Ki'])).toBe('32662296Ki');
    expect(addQuantities(['16Gi', '16Gi'])).toBe('32Gi');
    expect(addQuantities(['2', '500m', '1500m'])).toBe('4');
    expect(addQuantities(['110', '110'])).toBe('220');
    expect(addQuantities([])).toBeUndefined();
  });

  it('sums node capacity, and allocatable of schedulable nodes only', () => {
    const node = (cpu: string, mem: string, unschedulable = false) => ({
      spec: { unschedulable },
      status: { capacity: { cpu, memory: mem, pods: '110' }, allocatable: { cpu, memory: mem, pods: '110' } },
    });
    expect(sumNodeResources([node('4', '8Gi'), node('2', '8Gi', true)])).toEqual({
      capacity: { cpu: '6', memory: '16Gi', pods: '220' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    });
  });
});
