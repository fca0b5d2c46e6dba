type Numbers = Float64Array | Int32Array | Uint8Array;

/**
 * A typed array that grows by a quarter when full: one slot per accepted
 * event, no object per event. It starts at the caller's estimate; past it,
 * small steps keep the spare room small.
 */
export class Growable<A extends Numbers> {
  array: A;
  length = 0;

  constructor(
    private readonly make: (size: number) => A,
    capacity: number,
  ) {
    this.array = make(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.array.length) {
      const bigger = this.make(Math.ceil(this.array.length * 1.25));
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }

  /**
   * The values pushed, a view of the array: never a copy, which would hold
   * the values twice while it is made (the spare room costs less).
   */
  values(): A {
    return this.array.subarray(0, this.length) as A;
  }
}

export const float64s = (size: number) => new Float64Array(size);
export const int32s = (size: number) => new Int32Array(size);
export const uint8s = (size: number) => new Uint8Array(size);
