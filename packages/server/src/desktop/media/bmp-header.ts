/**
 * A BMP header (BITMAPV3INFOHEADER, 32 bits per pixel, BI_BITFIELDS) that describes X frames as
 * they are: B G R X bytes, top-down rows, no padding, masks for R G B and no alpha. An encoder
 * that reads BMP then does the channel order natively, so no pixel is touched in JavaScript.
 */
export const BMP_HEADER_BYTES = 70;

const FILE_HEADER_BYTES = 14;
const INFO_HEADER_BYTES = 56;
const BI_BITFIELDS = 3;

export function writeBmpHeader(target: Buffer, width: number, height: number): void {
  const pixelBytes = width * height * 4;
  target.fill(0, 0, BMP_HEADER_BYTES);
  target.write('BM', 0, 'latin1');
  target.writeUInt32LE(BMP_HEADER_BYTES + pixelBytes, 2);
  target.writeUInt32LE(BMP_HEADER_BYTES, 10);
  target.writeUInt32LE(INFO_HEADER_BYTES, FILE_HEADER_BYTES);
  target.writeInt32LE(width, 18);
  // Negative height: rows run top to bottom, as the X server sends them.
  target.writeInt32LE(-height, 22);
  target.writeUInt16LE(1, 26);
  target.writeUInt16LE(32, 28);
  target.writeUInt32LE(BI_BITFIELDS, 30);
  target.writeUInt32LE(pixelBytes, 34);
  target.writeUInt32LE(0x00ff0000, 54);
  target.writeUInt32LE(0x0000ff00, 58);
  target.writeUInt32LE(0x000000ff, 62);
  target.writeUInt32LE(0, 66);
}
