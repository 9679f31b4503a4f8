namespace EcrCleanup.Model;

/// <summary>
/// Where an image is in ECR's storage classes, as DescribeImages (<c>imageStatus</c>) and UpdateImageStorageClass
/// report it. Only an active image can be pulled.
/// </summary>
public enum ImageStatus
{
    /// <summary><c>ACTIVE</c>: in the standard storage class, pullable.</summary>
    Active,

    /// <summary><c>ARCHIVED</c>: in the archive storage class; a pull fails until it is restored.</summary>
    Archived,

    /// <summary><c>ACTIVATING</c>: being restored from the archive to the standard storage class; not pullable yet.</summary>
    Activating,
}

/// <summary>Which images DescribeImages lists, by their <see cref="ImageStatus"/> (its <c>filter.imageStatus</c>).</summary>
public enum ImageStatusFilter
{
    /// <summary>Active images only: no filter is sent, ECR's default.</summary>
    Active,

    /// <summary><c>ARCHIVED</c> images only.</summary>
    Archived,

    /// <summary><c>ACTIVATING</c> images only.</summary>
    Activating,

    /// <summary><c>ANY</c>: every image, whatever its status.</summary>
    Any,
}

/// <summary>An ECR storage class: where UpdateImageStorageClass moves an image, where a lifecycle rule sends it.</summary>
public enum StorageClass
{
    /// <summary><c>STANDARD</c>: where images are pushed and pulled from; restoring an archived image moves it here.</summary>
    Standard,

    /// <summary><c>ARCHIVE</c>: long-term storage; an archived image cannot be pulled, and is billed for at least 90 days in it.</summary>
    Archive,
}
