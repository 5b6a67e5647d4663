import LikelyTensor

/// An IDX file of unsigned bytes (the MNIST format), raw or gzip-compressed.
///
/// Layout, big-endian: a magic number `0x0000 TT DD` (TT the element type, `0x08` for
/// unsigned byte; DD the number of dimensions), then DD 32-bit extents, then the elements
/// in row-major order. Images are `0x00000803` (`[n, rows, columns]`), labels `0x00000801`
/// (`[n]`). Extents are checked against the bytes really present before anything large is
/// allocated.
public struct IDXFile: Sendable {
    /// The extents read from the header.
    public let shape: [Int]
    /// The elements, `shape.reduce(1, *)` bytes in row-major order.
    public let bytes: [UInt8]

    /// Names of the IDX element types, for error messages.
    static let typeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer",
        0x0C: "32-bit integer", 0x0D: "32-bit float", 0x0E: "64-bit float",
    ]

    /// Deflate cannot expand data by more than about 1032:1, so a gzip file cannot hold
    /// more than this many uncompressed bytes per compressed byte.
    static let maximumDeflateRatio = 1100

    /// Reads and validates an unsigned-byte IDX file.
    /// - Parameters:
    ///   - path: a raw or gzip-compressed IDX file.
    ///   - rank: the number of dimensions expected (3 for images, 1 for labels).
    /// - Throws: `DataError` for a wrong magic number, an unsupported element type, a rank
    ///   other than `rank`, extents whose product does not match the data, truncated or
    ///   corrupt gzip data, or trailing bytes.
    public init(path: String, rank: Int) throws {
        let stream = try ByteStream(path: path)
        let magic = try stream.readExactly(4, what: "4-byte magic number")
        let magicValue = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let expectedMagic = 0x0000_0800 | UInt32(rank)
        let hex = { (v: UInt32) in "0x" + String(repeating: "0", count: 8 - String(v, radix: 16).count) + String(v, radix: 16) }
        guard magic[0] == 0, magic[1] == 0 else {
            throw DataError(source: path, location: "header",
                            problem: "magic number \(hex(magicValue)) is not an IDX magic number; expected \(hex(expectedMagic))")
        }
        guard magic[2] == 0x08 else {
            let name = IDXFile.typeNames[magic[2]].map { "type \($0)" } ?? "unknown type"
            throw DataError(source: path, location: "header",
                            problem: "magic number \(hex(magicValue)) declares \(name) elements; only unsigned byte (0x08) is supported, expected \(hex(expectedMagic))")
        }
        guard Int(magic[3]) == rank else {
            throw DataError(source: path, location: "header",
                            problem: "magic number \(hex(magicValue)) declares \(magic[3]) dimensions; expected \(rank) (magic \(hex(expectedMagic)))")
        }
        let header = try stream.readExactly(4 * rank, what: "header's \(rank) dimension sizes")
        var shape: [Int] = []
        var total = 1
        for axis in 0..<rank {
            let extent = header[(4 * axis)..<(4 * axis + 4)].reduce(0) { $0 << 8 | Int($1) }
            shape.append(extent)
            // Extents are < 2^32, so the product of three fits in Int only when checked.
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else {
                throw DataError(source: path, location: "header", problem: "dimensions \(shape) are too large")
            }
            total = product
        }
        let headerSize = 4 + 4 * rank
        let described = "dimensions \(shape.map(String.init).joined(separator: " × ")) need \(total) bytes of data"
        if stream.isCompressed {
            guard total <= stream.fileSize * IDXFile.maximumDeflateRatio else {
                throw DataError(source: path, location: "header",
                                problem: "\(described), more than a \(stream.fileSize)-byte gzip file can hold")
            }
        } else {
            guard total == stream.fileSize - headerSize else {
                throw DataError(source: path, location: "header",
                                problem: "\(described) but the file has \(stream.fileSize - headerSize) after the \(headerSize)-byte header")
            }
        }
        // For gzip the true length is known only by reading: grow in chunks so that a header
        // that overstates the data never causes an allocation beyond what is really there.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(stream.isCompressed ? min(total, 1 << 24) : total)
        let chunkSize = 1 << 20
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while bytes.count < total {
            let want = min(chunkSize, total - bytes.count)
            let got = try chunk.withUnsafeMutableBytes { try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
            bytes.append(contentsOf: chunk[0..<got])
            if got < want { break }
        }
        guard bytes.count == total else {
            throw DataError(source: path, problem: "\(described) but the data ends after \(bytes.count) (file truncated or header wrong)")
        }
        guard try stream.isAtEnd() else {
            throw DataError(source: path, problem: "\(described) but more data follows them (header wrong or files concatenated)")
        }
        self.shape = shape
        self.bytes = bytes
    }
}

/// Readers that turn IDX files into tensors.
public enum IDXReader {
    /// Images from an IDX3 file as a float tensor `[n, rows, columns, 1]` (NHWC), each pixel
    /// byte b mapped to b / 255 in [0, 1].
    /// - Throws: `DataError` naming the file (see `IDXFile.init(path:rank:)`).
    public static func images(path: String) throws -> Tensor {
        let file = try IDXFile(path: path, rank: 3)
        let count = file.bytes.count
        // A table of the 256 correctly rounded quotients b / 255 (multiplying by 1/255
        // would be off by one ulp for some bytes).
        let table = (0..<256).map { Float($0) / 255 }
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            file.bytes.withUnsafeBufferPointer { source in
                table.withUnsafeBufferPointer { lookup in
                    for i in 0..<count { buffer[i] = lookup[Int(source[i])] }
                }
            }
            initialized = count
        }
        return Tensor(shape: file.shape + [1], scalars: scalars)
    }

    /// Labels from an IDX1 file as class indices (0...255).
    /// - Throws: `DataError` naming the file (see `IDXFile.init(path:rank:)`).
    public static func labels(path: String) throws -> [Int] {
        try IDXFile(path: path, rank: 1).bytes.map(Int.init)
    }
}
