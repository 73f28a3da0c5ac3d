import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/**
 * The safety number as a QR code (issue 39), made by `qrcode-generator`: the sixty digits alone, in
 * numeric mode, so any phone's camera app shows the same digits to compare. Drawn as one SVG path
 * of its dark modules, with the four-module quiet zone readers need.
 */
export function SafetyNumberQr({ digits }: { digits: string }) {
  const { size, path } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(digits.replace(/\D/g, ''), 'Numeric');
    qr.make();
    const count = qr.getModuleCount();
    let d = '';
    for (let row = 0; row < count; row++)
      for (let col = 0; col < count; col++) if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    return { size: count + 8, path: d };
  }, [digits]);
  return (
    <svg
      className="safety-number-qr"
      viewBox={`0 0 ${size} ${size}`}
      width="128"
      height="128"
      role="img"
      aria-label="The safety number as a QR code"
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
