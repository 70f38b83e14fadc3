using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Questra.Web.Data;

/// <summary>
/// A compiled EF Core query, compiled once per model: a compiled query remembers the model it first ran with and
/// refuses any other, and SQLite and PostgreSQL contexts have different models (one process holds both in tests).
/// </summary>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<IModel, TQuery> byModel = new();

    public TQuery For(DbContext db) => byModel.GetOrAdd(db.Model, static (_, compile) => compile(), compile);
}
