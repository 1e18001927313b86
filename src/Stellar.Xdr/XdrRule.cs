namespace Stellar.Xdr;

/// <summary>The XDR rule or decoder limit that input broke.</summary>
public enum XdrRule
{
    /// <summary>Fewer bytes remain than the item needs.</summary>
    Truncated,

    /// <summary>A padding byte after an opaque or string is not zero (RFC 4506 §3).</summary>
    NonZeroPadding,

    /// <summary>A bool is neither 0 nor 1.</summary>
    InvalidBool,

    /// <summary>An optional's presence flag is neither 0 nor 1.</summary>
    InvalidOptionalFlag,

    /// <summary>A length or element count is larger than the bound the schema declares.</summary>
    BoundExceeded,

    /// <summary>A length or element count promises more bytes than remain in the input.</summary>
    LengthExceedsInput,

    /// <summary>An enum value that the schema does not declare.</summary>
    UnknownEnumValue,

    /// <summary>A union discriminant without an arm and no default arm.</summary>
    UnknownUnionArm,

    /// <summary>Nested types went deeper than <see cref="XdrReaderOptions.MaxDepth"/>.</summary>
    DepthLimit,

    /// <summary>The input is longer than <see cref="XdrReaderOptions.MaxInputLength"/>.</summary>
    InputLengthLimit,

    /// <summary>Bytes remain after the value when the whole input must be one value.</summary>
    TrailingBytes,

    /// <summary>A fixed-length opaque or array does not have its declared length (encoding).</summary>
    FixedLengthMismatch,

    /// <summary>A required value or the selected union arm is null (encoding).</summary>
    MissingValue,

    /// <summary>A record-marking header was cut off (RFC 5531 §11).</summary>
    TruncatedRecordHeader,

    /// <summary>A record body ended before the length its header gave.</summary>
    TruncatedRecordBody,

    /// <summary>A record is longer than <see cref="XdrRecordReaderOptions.MaxRecordLength"/>.</summary>
    RecordTooLarge,

    /// <summary>The compressed stream is damaged or ends early.</summary>
    CorruptCompression,

    /// <summary>
    /// Decoding would allocate more managed memory than <see cref="XdrReaderOptions.MaxDecodedBytes"/> or the
    /// decode's share of an <see cref="XdrDecodeBudget"/> allows.
    /// </summary>
    DecodedSizeLimit,
}
