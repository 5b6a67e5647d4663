import Foundation
import LikelyTensor

/// The safetensors format (float32 only), readable by Python's `safetensors` package.
///
/// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
/// tensor name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (offsets
/// into the data section; an optional `"__metadata__"` maps strings to strings), padded with
/// spaces to a multiple of 8, then the data section: every tensor's elements, little endian,
/// back to back in the order of the offsets.
public enum Safetensors {
    /// The largest header we accept (the reference implementation's limit is 100 MB).
    static let maximumHeaderLength = 100_000_000

    /// The bytes of a safetensors file holding `tensors` in the given order.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            precondition(header[name] == nil, "duplicate tensor name '\(name)'")
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + 4 * tensor.count]] as [String: Any]
            offset += 4 * tensor.count
        }
        // The header holds only our own strings and integers: failing to serialise it is a programmer error.
        guard var json = try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) else {
            preconditionFailure("safetensors header for tensors \(tensors.map(\.name)) is not serialisable as JSON")
        }
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for (_, tensor) in tensors {
            tensor.scalars.withUnsafeBufferPointer { buffer in
                #if _endian(little)
                data.append(contentsOf: UnsafeRawBufferPointer(buffer))  // the memory is the file's bytes
                #else
                for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            }
        }
        return data
    }

    /// The tensors of a safetensors file, validated: header length, JSON, dtype, shape and
    /// offsets (in range, matching the shape, covering the data section without overlap).
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the path, for error messages.
    public static func decode(_ data: Data, file: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else { throw ModelFileError(file: file, "truncated: \(data.count) bytes, a safetensors file starts with an 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maximumHeaderLength), Int(headerLength) <= data.count - 8 else {
            throw ModelFileError(file: file, "header length \(headerLength) exceeds the file's \(data.count - 8) remaining bytes (truncated or not a safetensors file)")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)),
              let header = object as? [String: Any] else {
            throw ModelFileError(file: file, "header is not a JSON object")
        }
        let dataSection = data.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        var ranges: [(Int, Int)] = []
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let m = entry as? [String: String] else { throw ModelFileError(file: file, "__metadata__ must map strings to strings") }
                metadata = m
                continue
            }
            guard let info = entry as? [String: Any] else { throw ModelFileError(file: file, "tensor '\(name)': entry is not an object") }
            guard let dtype = info["dtype"] as? String else { throw ModelFileError(file: file, "tensor '\(name)': missing dtype") }
            guard dtype == "F32" else { throw ModelFileError(file: file, "tensor '\(name)': dtype \(dtype) is not supported (expected F32)") }
            guard let shape = info["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else {
                throw ModelFileError(file: file, "tensor '\(name)': shape must be a list of non-negative integers")
            }
            guard let offsets = info["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw ModelFileError(file: file, "tensor '\(name)': data_offsets must be [begin, end] with 0 ≤ begin ≤ end")
            }
            guard offsets[1] <= dataSection else {
                throw ModelFileError(file: file, "tensor '\(name)': data_offsets \(offsets) run past the \(dataSection)-byte data section (truncated file)")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in let r = acc.0.multipliedReportingOverflow(by: d); return (r.partialValue, acc.1 || r.overflow) }
            let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: 4)
            guard !overflow, !bytesOverflow, bytes == offsets[1] - offsets[0] else {
                let needs = overflow || bytesOverflow ? "more than \(Int.max) bytes" : "\(bytes) bytes"
                throw ModelFileError(file: file, "tensor '\(name)': shape \(shape) needs \(needs) but data_offsets span \(offsets[1] - offsets[0])")
            }
            let start = headerEnd + offsets[0]
            let scalars = [Float](count: count) { out in
                data.withUnsafeBytes { raw in
                    for i in 0..<count {
                        out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                    }
                }
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
            ranges.append((offsets[0], offsets[1]))
        }
        ranges.sort { $0.0 < $1.0 }
        var covered = 0
        for (begin, end) in ranges {
            guard begin == covered else { throw ModelFileError(file: file, "data_offsets overlap or leave a gap at byte \(covered)") }
            covered = end
        }
        guard covered == dataSection else {
            throw ModelFileError(file: file, "the data section has \(dataSection) bytes but the tensors cover \(covered)")
        }
        return (tensors, metadata)
    }
}
