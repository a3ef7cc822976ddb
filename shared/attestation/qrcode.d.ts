// Types for the one deep import of the `qrcode` package we use: its core encoder, without the renderers
// (@types/qrcode types only the package's entry point).
declare module 'qrcode/lib/core/qrcode.js' {
  /** A square of modules, row-major: data[row * size + col] is 1 for a dark module. */
  export interface BitMatrix {
    size: number;
    data: Uint8Array;
    get(row: number, col: number): number;
  }

  export interface QRCodeSymbol {
    modules: BitMatrix;
    version: number;
    errorCorrectionLevel: { bit: number };
    maskPattern: number;
  }

  export interface QRCodeCreateOptions {
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' | 'low' | 'medium' | 'quartile' | 'high';
    version?: number;
    maskPattern?: number;
  }

  export function create(data: string, options?: QRCodeCreateOptions): QRCodeSymbol;
}
