namespace Serverless.EventSourcing.Projections;

/// <summary>
/// The read-model database as a projection (or a read route) sees it: parameterised SQL with positional
/// <c>$1</c>… parameters, inside the caller's transaction. <see cref="Table"/> maps a table to the copy
/// being written (the live one, or a rebuild's shadow).
/// </summary>
public interface IReadModelSession
{
    string Table(string name);

    Task<int> ExecuteAsync(string sql, params object?[] parameters);

    /// <summary>Rows as column → value maps (column aliases become JSON names in read routes).</summary>
    Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, params object?[] parameters);
}

/// <summary>Read-only access to read models, for query routes.</summary>
public interface IReadModelQueries
{
    Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> QueryAsync(string sql, params object?[] parameters);
}
