import LikelyTensor

extension Plots {
    /// How an image grid maps values to colours.
    public enum ImageColoring: Sendable {
        /// Grey levels, each image stretched from its own minimum (black) to maximum (white);
        /// three channels are shown as RGB stretched together.
        case grayscale
        /// Blue (negative), white (0), red (positive), symmetric about 0 with one scale for
        /// all images, so filters can be compared: the usual view of convolution weights.
        case diverging
    }

    /// Images in a grid of `columns` columns, one small square per pixel, with optional captions.
    /// - Parameters:
    ///   - images: `[N, H, W, C]` (NHWC), C = 1 (one value per pixel, or averaged over C ≠ 3)
    ///     or 3 (RGB, grayscale coloring only).
    ///   - captions: up to N labels printed under the images.
    ///   - columns: images per row of the grid.
    ///   - coloring: grey levels per image, or one diverging scale for all (filters).
    ///   - cellSize: pixel size of one image in the SVG.
    ///   - title: the heading.
    public static func imageGrid(_ images: Tensor, captions: [String] = [], columns: Int = 8,
                                 coloring: ImageColoring = .grayscale, cellSize: Double = 64,
                                 title: String = "Images") -> String {
        precondition(images.rank == 4, "image grid needs an [N, H, W, C] tensor, got shape \(images.shape)")
        precondition(columns >= 1, "image grid needs at least one column, got \(columns)")
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let rows = Swift.max((n + columns - 1) / columns, 1)
        let usedColumns = Swift.max(Swift.min(columns, n), 1)
        let captionHeight = captions.isEmpty ? 4.0 : 18.0
        let gap = 10.0, margin = 16.0, titleHeight = 36.0
        let width = Swift.max(margin * 2 + Double(usedColumns) * (cellSize + gap) - gap, 240)
        let height = titleHeight + margin + Double(rows) * (cellSize + captionHeight + gap)
        var doc = SVGDocument(width: width, height: height)
        doc.text(title, x: width / 2, y: 24, size: 15, anchor: .middle, bold: true, className: "title")
        let pixel = cellSize / Double(Swift.max(h, w, 1))
        let rgb = c == 3 && coloring == .grayscale
        let planeSize = h * w
        let globalScale = images.scalars.reduce(0) { Swift.max($0, $1.isFinite ? Swift.abs($1) : 0) }

        for i in 0..<n {
            let ox = margin + Double(i % columns) * (cellSize + gap)
            let oy = titleHeight + Double(i / columns) * (cellSize + captionHeight + gap)
            // Per-pixel values: RGB triples, or one value averaged over the channels.
            var values = [Double](repeating: 0, count: planeSize * (rgb ? 3 : 1))
            for p in 0..<planeSize {
                let base = (i * planeSize + p) * c
                if rgb {
                    for k in 0..<3 { values[p * 3 + k] = finiteOrZero(images.scalars[base + k]) }
                } else {
                    var s = 0.0
                    for k in 0..<c { s += finiteOrZero(images.scalars[base + k]) }
                    values[p] = c > 0 ? s / Double(c) : 0
                }
            }
            let lo = values.min() ?? 0, hi = values.max() ?? 0
            doc.rect(x: ox - 1, y: oy - 1, width: cellSize + 2, height: cellSize + 2, fill: "#f4f4f4", stroke: "#999999", className: "image")
            // Each pixel overlaps its right and lower neighbours by 0.4 px, which hides the
            // anti-aliasing seams renderers draw between abutting squares.
            for py in 0..<h {
                for px in 0..<w {
                    let p = py * w + px
                    let fill: String
                    switch coloring {
                    case .grayscale where rgb:
                        fill = hexColor((0..<3).map { stretch(values[p * 3 + $0], lo, hi) })
                    case .grayscale:
                        let g = stretch(values[p], lo, hi)
                        fill = hexColor([g, g, g])
                    case .diverging:
                        fill = divergingColor(globalScale > 0 ? values[p] / Double(globalScale) : 0)
                    }
                    doc.rect(x: ox + Double(px) * pixel, y: oy + Double(py) * pixel, width: pixel + 0.4, height: pixel + 0.4, fill: fill, className: "pixel")
                }
            }
            if i < captions.count {
                doc.text(captions[i], x: ox + cellSize / 2, y: oy + cellSize + 14, size: 10, anchor: .middle, className: "caption")
            }
        }
        return doc.svg
    }

    /// The filters of a convolution kernel `[kh, kw, inChannels, outChannels]` as a grid, one
    /// image per output channel (averaged over input channels unless there are three), with
    /// the diverging colouring.
    public static func convolutionFilters(_ kernel: Tensor, columns: Int = 8, title: String = "First convolution layer filters") -> String {
        precondition(kernel.rank == 4, "convolution kernel must have shape [kh, kw, in, out], got \(kernel.shape)")
        let (kh, kw, cin, cout) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
        var images = [Float](repeating: 0, count: cout * kh * kw * cin)
        for o in 0..<cout {
            for y in 0..<kh { for x in 0..<kw { for i in 0..<cin {
                images[((o * kh + y) * kw + x) * cin + i] = kernel.scalars[((y * kw + x) * cin + i) * cout + o]
            } } }
        }
        return imageGrid(Tensor(shape: [cout, kh, kw, cin], scalars: images),
                         captions: (0..<cout).map { "filter \($0)" }, columns: columns,
                         coloring: .diverging, cellSize: 56, title: title)
    }

    private static func finiteOrZero(_ v: Float) -> Double { v.isFinite ? Double(v) : 0 }
    private static func stretch(_ v: Double, _ lo: Double, _ hi: Double) -> Double { hi > lo ? (v - lo) / (hi - lo) : 0.5 }

    private static func hexColor(_ rgb: [Double]) -> String {
        "#" + rgb.map { component in
            let byte = Int((Swift.min(Swift.max(component, 0), 1) * 255).rounded())
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// t in [−1, 1] → blue, white, red.
    private static func divergingColor(_ t: Double) -> String {
        let s = Swift.min(Swift.max(t, -1), 1)
        return s >= 0 ? hexColor([1, 1 - 0.85 * s, 1 - 0.85 * s]) : hexColor([1 + 0.85 * s, 1 + 0.85 * s, 1])
    }
}
