/// The element types of the safetensors format (the names its headers use).
public enum SafeTensorDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// One tensor of a safetensors file: its name, type, shape and byte range in the data section.
public struct SafeTensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: SafeTensorDType
    public let shape: [Int]
    /// Byte offsets relative to the start of the data section (after the header).
    public let dataOffsets: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}
