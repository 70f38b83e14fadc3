using System.Diagnostics.CodeAnalysis;

namespace Questra.Web.Features.Common;

public enum ErrorKind
{
    /// <summary>The input is well-formed but breaks a rule (a field error).</summary>
    Validation,
    /// <summary>The caller may not do this (role, scope, MFA, plan, org setting).</summary>
    Forbidden,
    /// <summary>Not there, or not to be revealed.</summary>
    NotFound,
    /// <summary>The thing is in a state that does not allow it (e.g. rolling a revoked key).</summary>
    Conflict,
    /// <summary>The caller is not (or no longer) a member of the organization: an open tab of someone just removed.</summary>
    NotAMember,
}

/// <summary>Why a service call did not happen: a message a person can act on, and the fields at fault.</summary>
public sealed record ServiceError(ErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]>? FieldErrors = null)
{
    public static ServiceError Field(string field, string message) =>
        new(ErrorKind.Validation, message, new Dictionary<string, string[]> { [field] = [message] });

    public static ServiceError NotFound(string message) => new(ErrorKind.NotFound, message);

    /// <summary>Every service re-reads the caller's membership; this is what it says when there is none any more.</summary>
    public static readonly ServiceError NotAMember = new(ErrorKind.NotAMember, "You are no longer a member of this organization.");
    public static ServiceError Forbidden(string message) => new(ErrorKind.Forbidden, message);
}

public readonly struct ServiceResult<T>
{
    private ServiceResult(T? value, ServiceError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ServiceError? Error { get; }

    /// <summary>True: <see cref="Value"/> holds the answer; false: <see cref="Error"/> says why not.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public static implicit operator ServiceResult<T>(T value) => new(value, null);
    public static implicit operator ServiceResult<T>(ServiceError error) => new(default, error);
}

/// <summary>One page of a longer list, with the total across all pages.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

/// <summary>
/// A place in a list ordered by an instant then by id: the last item a page held. A null <see cref="Id"/> means
/// "after everything at <see cref="At"/>" (where a list of changes caught up).
/// </summary>
public sealed record KeysetPosition(DateTimeOffset At, string? Id);

/// <summary>Items after a <see cref="KeysetPosition"/>, and whether more follow them.</summary>
public sealed record Slice<T>(IReadOnlyList<T> Items, bool HasMore);
