type Numbers = Float64Array | Int32Array | Uint8Array;

/** A typed array that doubles when full: one slot per accepted event, no object per event. */
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
      const bigger = this.make(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = value;
  }

  /**
   * The values pushed. A copy only when more than an eighth of the array is
   * spare: the copy and the array are both held while it is made.
   */
  values(): A {
    const { array, length } = this;
    return (
      length * 8 >= array.length * 7 ? array.subarray(0, length) : array.slice(0, length)
    ) as A;
  }
}

export const float64s = (size: number) => new Float64Array(size);
export const int32s = (size: number) => new Int32Array(size);
export const uint8s = (size: number) => new Uint8Array(size);
