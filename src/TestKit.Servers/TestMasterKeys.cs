namespace Serverless.EventSourcing.TestKit.Servers;

/// <summary>
/// Master keys for test hosts (the bank declares personal data, so a host without one refuses to start). Fixed values,
/// known to every test process, so a worker process and its test agree; they protect nothing but throwaway databases.
/// </summary>
public static class TestMasterKeys
{
    public const string Version1 = "kq+q2ah7nGsa61JuPDzjQUKyUGNlUMuaEcPqB0PE6fQ=";

    public const string Version2 = "4MRnqwSj4VgxCEITYllB9KOJSYehGw5T2btxoVPdUIw=";

    /// <summary>The settings a test host adds: master key version 1, current.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings { get; } =
    [
        new("PersonalData:MasterKeys:1", Version1),
    ];
}
