import LikelyTensor

/// The element types `NPYArray` reads (all little-endian).
public enum NPYType: String, Sendable {
    /// 32-bit float, `<f4`.
    case float32 = "<f4"
    /// 64-bit float, `<f8` (read into Float, rounded).
    case float64 = "<f8"
    /// Unsigned byte, `|u1`.
    case uint8 = "|u1"
    /// 32-bit signed integer, `<i4`.
    case int32 = "<i4"
    /// 64-bit signed integer, `<i8` (read into Float, rounded above 2²⁴).
    case int64 = "<i8"
    /// Boolean, `|b1` (0 or 1).
    case bool = "|b1"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .uint8, .bool: 1
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// Whether the values are integers (class labels are usually stored so).
    public var isInteger: Bool { self != .float32 && self != .float64 }

    /// The type for a `descr` string, accepting `<`, `|` or `=` byte orders for one-byte types.
    init?(descr: String) {
        switch descr {
        case "<f4": self = .float32
        case "<f8": self = .float64
        case "|u1", "<u1", "=u1": self = .uint8
        case "<i4": self = .int32
        case "<i8": self = .int64
        case "|b1", "<b1", "=b1": self = .bool
        default: return nil
        }
    }
}

/// A NumPy `.npy` array converted to 32-bit floats.
///
/// Format: the magic bytes `\x93NUMPY`, a version byte pair (1.0, 2.0 or 3.0), the header
/// length (2 bytes little-endian for 1.0, 4 bytes for 2.0 and 3.0), then a Python dict
/// literal `{'descr': '<f4', 'fortran_order': False, 'shape': (n, d), }` padded with spaces
/// and a newline, then the elements. Supported: little-endian float32, float64, uint8,
/// int32, int64 and bool in C (row-major) order.
public struct NPYArray {
    /// The array's extents.
    public let shape: [Int]
    /// The element type in the file.
    public let type: NPYType
    /// The values as Float, row-major.
    public let scalars: [Float]

    /// The array as a tensor of the same shape.
    public var tensor: Tensor { Tensor(shape: shape, scalars: scalars) }

    /// Reads the `.npy` file at `path`.
    /// - Throws: `DataError` for a bad magic string or version, a malformed header, Fortran
    ///   order, object, structured, big-endian or otherwise unsupported dtypes, a byte count
    ///   that does not match the shape, and NaN or infinite values.
    public init(path: String) throws {
        try self.init(bytes: FileInput.readAll(path), path: path)
    }

    /// Parses `.npy` bytes held in memory; `path` names them in messages.
    public init(bytes: [UInt8], path: String) throws {
        let header = try NPYHeader(bytes: bytes, path: path)
        let count = header.shape.reduce(1, *)
        let payload = bytes.count - header.dataOffset
        // Checked before any allocation: the shape must describe exactly the bytes present.
        let (needed, overflow) = count.multipliedReportingOverflow(by: header.type.size)
        guard !overflow, needed == payload else {
            throw DataError(source: path, location: "header",
                            problem: "shape \(header.shapeText) of \(header.descr) needs \(overflow ? "more than Int.max" : String(needed)) bytes of data but the file has \(payload)")
        }
        let type = header.type
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                let base = raw.baseAddress! + header.dataOffset
                for i in 0..<count {
                    let p = base + i * type.size
                    switch type {
                    case .uint8, .bool: buffer[i] = Float(p.load(as: UInt8.self))
                    case .int32: buffer[i] = Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
                    case .int64: buffer[i] = Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                    case .float32: buffer[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    case .float64: buffer[i] = Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
                    }
                }
            }
            initialized = count
        }
        if !type.isInteger, let bad = scalars.firstIndex(where: { !$0.isFinite }) {
            let original: String
            if type == .float64 {
                let v = bytes.withUnsafeBytes { Double(bitPattern: UInt64(littleEndian: ($0.baseAddress! + header.dataOffset + bad * 8).loadUnaligned(as: UInt64.self))) }
                original = v.isFinite ? "\(v) (outside the 32-bit float range)" : "\(v)"
            } else {
                original = "\(scalars[bad])"
            }
            throw DataError(source: path, location: "element \(NPYArray.multiIndex(bad, shape: header.shape))",
                            problem: "the value is \(original); expected finite numbers")
        }
        self.shape = header.shape
        self.type = type
        self.scalars = scalars
    }

    /// The multi-index `[i, j, ...]` of flat position `flat` in `shape`, as text.
    static func multiIndex(_ flat: Int, shape: [Int]) -> String {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return "[" + index.map(String.init).joined(separator: ", ") + "]"
    }
}

/// The parsed header of a `.npy` file.
struct NPYHeader {
    let type: NPYType
    let descr: String
    let shape: [Int]
    let dataOffset: Int

    var shapeText: String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }

    init(bytes: [UInt8], path: String) throws {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DataError(source: path, location: "header", problem: "does not start with the NPY magic string \\x93NUMPY; expected a .npy file written by numpy.save")
        }
        let major = bytes[6], minor = bytes[7]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default:
            throw DataError(source: path, location: "header", problem: "NPY format version \(major).\(minor) is not supported; expected 1.0, 2.0 or 3.0")
        }
        guard bytes.count >= 8 + lengthSize else {
            throw DataError(source: path, location: "header", problem: "the file ends inside the header length")
        }
        let headerLength = bytes[8..<(8 + lengthSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let start = 8 + lengthSize
        guard headerLength <= bytes.count - start else {
            throw DataError(source: path, location: "header", problem: "the header claims \(headerLength) bytes but the file ends after \(bytes.count - start)")
        }
        // Versions 1.0 and 2.0 use latin-1, 3.0 UTF-8; the fields we need are ASCII.
        let text = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        let dict = try NPYDictionary(text: text, path: path)
        guard let descrValue = dict.entries["descr"] else {
            throw DataError(source: path, location: "header", problem: "has no 'descr' key; expected 'descr', 'fortran_order' and 'shape'")
        }
        guard case .string(let descr) = descrValue else {
            throw DataError(source: path, location: "field \"descr\"", problem: "is \(descrValue.text): structured (record) arrays are not supported; expected a plain numeric dtype")
        }
        guard let type = NPYType(descr: descr) else {
            throw DataError(source: path, location: "field \"descr\"", problem: NPYHeader.explain(descr))
        }
        guard case .boolean(let fortran)? = dict.entries["fortran_order"] else {
            throw DataError(source: path, location: "header", problem: "has no boolean 'fortran_order' key")
        }
        guard !fortran else {
            throw DataError(source: path, location: "field \"fortran_order\"",
                            problem: "the array is in Fortran (column-major) order, which is not supported; save it with numpy.ascontiguousarray(a) first")
        }
        guard case .tuple(let shape)? = dict.entries["shape"] else {
            throw DataError(source: path, location: "header", problem: "has no 'shape' tuple")
        }
        var product = 1
        for extent in shape {
            let (p, overflow) = product.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw DataError(source: path, location: "field \"shape\"", problem: "shape \(shape) is too large") }
            product = p
        }
        self.type = type
        self.descr = descr
        self.shape = shape
        self.dataOffset = start + headerLength
    }

    /// Why a dtype string is not supported.
    static func explain(_ descr: String) -> String {
        let supported = "supported: float32 (<f4), float64 (<f8), uint8 (|u1), int32 (<i4), int64 (<i8), bool (|b1), little-endian"
        if descr.contains("O") { return "dtype '\(descr)' is an object array (Python objects), which cannot be read; \(supported)" }
        if descr.hasPrefix(">") { return "dtype '\(descr)' is big-endian; convert with a.astype(a.dtype.newbyteorder('<')); \(supported)" }
        return "dtype '\(descr)' is not supported; \(supported)"
    }
}
