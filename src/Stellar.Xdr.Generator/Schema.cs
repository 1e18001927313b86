using System.Globalization;

namespace Stellar.Xdr.Generator;

/// <summary>All schema files together, with names resolved and checked.</summary>
internal sealed class Schema
{
    public static readonly IReadOnlyList<string> Builtins = ["int", "uint", "hyper", "uhyper", "bool"];

    private readonly Dictionary<string, Definition> _byName = new(StringComparer.Ordinal);

    public Schema(IReadOnlyList<SchemaFile> files)
    {
        Files = files;
        foreach (var file in files)
        {
            foreach (var definition in file.Definitions)
            {
                if (Builtins.Contains(definition.Name) || definition.Name is "opaque" or "string" or "void")
                {
                    throw new SchemaException(definition.Location, "'" + definition.Name + "' is a builtin and cannot be declared");
                }

                if (_byName.TryGetValue(definition.Name, out var earlier))
                {
                    throw new SchemaException(definition.Location, "'" + definition.Name + "' is already declared at " + earlier.Location);
                }

                _byName.Add(definition.Name, definition);
            }
        }

        Validate();
    }

    public IReadOnlyList<SchemaFile> Files { get; }

    public IEnumerable<Definition> Definitions => Files.SelectMany(f => f.Definitions);

    public Definition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Follows aliases until a type expression that is not a name of an alias.</summary>
    public TypeExpr Resolve(TypeExpr type)
    {
        var seen = 0;
        while (type is NamedTypeExpr named && _byName.GetValueOrDefault(named.Name) is AliasDefinition alias)
        {
            type = alias.Type;
            if (++seen > 100)
            {
                throw new SchemaException(alias.Location, "alias '" + alias.Name + "' refers to itself");
            }
        }

        return type;
    }

    /// <summary>A size as a number: a literal, or a const name.</summary>
    public uint Size(string size, SchemaLocation location)
    {
        if (size.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(size[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (uint.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (_byName.GetValueOrDefault(size) is ConstDefinition constant)
        {
            return constant.Value is >= 0 and <= uint.MaxValue
                ? (uint)constant.Value
                : throw new SchemaException(location, "const '" + size + "' cannot be a size");
        }

        throw new SchemaException(location, "size '" + size + "' is not a number or a declared const");
    }

    private void Validate()
    {
        foreach (var definition in Definitions)
        {
            switch (definition)
            {
                case AliasDefinition alias:
                    CheckType(alias.Type, alias.Location);
                    _ = Resolve(new NamedTypeExpr(alias.Name));
                    break;
                case EnumDefinition enumeration:
                    CheckEnum(enumeration);
                    break;
                case StructDefinition structure:
                    CheckFields(structure.Name, structure.Fields);
                    break;
                case UnionDefinition union:
                    CheckUnion(union);
                    break;
            }
        }
    }

    private static void CheckEnum(EnumDefinition enumeration)
    {
        if (enumeration.Members.Count == 0)
        {
            throw new SchemaException(enumeration.Location, "enum " + enumeration.Name + " has no members");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in enumeration.Members)
        {
            if (!names.Add(member.Name))
            {
                throw new SchemaException(member.Location, "enum " + enumeration.Name + " declares " + member.Name + " twice");
            }
        }
    }

    private void CheckFields(string owner, IEnumerable<Field> fields)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (!names.Add(field.Name))
            {
                throw new SchemaException(field.Location, owner + " has two fields named " + field.Name);
            }

            CheckType(field.Type, field.Location);
        }
    }

    private void CheckUnion(UnionDefinition union)
    {
        var discriminant = Resolve(union.DiscriminantType);
        var enumeration = discriminant is NamedTypeExpr named ? Find(named.Name) as EnumDefinition : null;
        var isInteger = discriminant is NamedTypeExpr { Name: "int" or "uint" };
        if (enumeration is null && !isInteger)
        {
            CheckType(union.DiscriminantType, union.Location);
            throw new SchemaException(union.Location, "union " + union.Name + ": discriminant type must be an enum, int or uint");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var defaults = 0;
        foreach (var arm in union.Arms)
        {
            if (arm.IsDefault && ++defaults > 1)
            {
                throw new SchemaException(arm.Location, "union " + union.Name + " has two default arms");
            }

            foreach (var label in arm.Cases)
            {
                string key;
                if (enumeration is not null)
                {
                    if (!enumeration.Members.Any(m => m.Name == label))
                    {
                        throw new SchemaException(arm.Location, "union " + union.Name + ": case '" + label + "' is not a member of enum " + enumeration.Name);
                    }

                    key = label;
                }
                else
                {
                    if (!long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                    {
                        throw new SchemaException(arm.Location, "union " + union.Name + ": case '" + label + "' must be a number for an int discriminant");
                    }

                    key = value.ToString(CultureInfo.InvariantCulture);
                }

                if (!seen.Add(key))
                {
                    throw new SchemaException(arm.Location, "union " + union.Name + ": case '" + label + "' appears twice");
                }
            }
        }

        CheckFields(union.Name, union.Arms.Where(a => a.Field is not null).Select(a => a.Field!).DistinctBy(f => f.Name));
        var armTypes = new Dictionary<string, TypeExpr>(StringComparer.Ordinal);
        foreach (var field in union.Arms.Select(a => a.Field).OfType<Field>())
        {
            if (armTypes.TryGetValue(field.Name, out var other) && other != field.Type)
            {
                throw new SchemaException(field.Location, "union " + union.Name + ": arm name " + field.Name + " is used with two different types");
            }

            armTypes[field.Name] = field.Type;
        }
    }

    private void CheckType(TypeExpr type, SchemaLocation location)
    {
        switch (type)
        {
            case NamedTypeExpr named:
                if (Builtins.Contains(named.Name))
                {
                    return;
                }

                var definition = Find(named.Name);
                if (definition is null)
                {
                    throw new SchemaException(location, "type '" + named.Name + "' is not declared");
                }

                if (definition is ConstDefinition)
                {
                    throw new SchemaException(location, "'" + named.Name + "' is a const, not a type");
                }

                break;
            case OptionalTypeExpr optional:
                CheckType(optional.Element, location);
                break;
            case ArrayTypeExpr array:
                CheckType(array.Element, location);
                if (array.Size is not null)
                {
                    _ = Size(array.Size, location);
                }

                break;
            case OpaqueTypeExpr { Size: not null } opaque:
                _ = Size(opaque.Size, location);
                break;
            case StringTypeExpr { Size: not null } text:
                _ = Size(text.Size, location);
                break;
        }
    }
}
