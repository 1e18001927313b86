using Stellar.Xdr.Generator;

// Usage: dotnet run --project src/Stellar.Xdr.Generator -- src/Stellar.Xdr/Schema src/Stellar.Xdr/Generated
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Stellar.Xdr.Generator <schema folder> <output folder>");
    return 2;
}

try
{
    var written = SchemaGenerator.Write(args[0], args[1]);
    Console.WriteLine(written.Count == 0 ? "generated files are up to date" : $"wrote {written.Count} file(s)");
    return 0;
}
catch (SchemaException e)
{
    Console.Error.WriteLine("schema error: " + e.Message);
    return 1;
}
