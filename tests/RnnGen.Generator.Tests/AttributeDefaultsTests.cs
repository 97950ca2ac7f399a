using System.Reflection;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The generator cannot reference the runtime, so <see cref="ModelOptions"/> restates the attribute's defaults; this test
/// keeps the two in one meaning: every attribute property has an option of the same name and the same default.
/// </summary>
public class AttributeDefaultsTests
{
    [Fact]
    public void Every_attribute_property_has_an_option_with_the_same_default()
    {
        var attribute = new RnnModelAttribute();
        var options = new ModelOptions();
        PropertyInfo[] properties = typeof(RnnModelAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        Assert.NotEmpty(properties);
        foreach (PropertyInfo property in properties)
        {
            PropertyInfo option = typeof(ModelOptions).GetProperty(property.Name)
                ?? throw new Xunit.Sdk.XunitException($"RnnModelAttribute.{property.Name} has no ModelOptions.{property.Name}.");
            object? expected = property.GetValue(attribute);
            object? actual = option.GetValue(options);
            if (expected is Enum)
            {
                expected = Convert.ToInt32(expected, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.True(Equals(expected, actual), $"{property.Name}: the attribute's default is {expected}, the generator's {actual}.");
        }

        Assert.Equal(properties.Length, typeof(ModelOptions).GetProperties().Length); // and no option the attribute lacks
    }
}
