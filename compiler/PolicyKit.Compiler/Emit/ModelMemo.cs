using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Remembers a value worked out from an object of the bound model, per variant (a family, a
/// protocol keyword…). The model is immutable, and a large policy uses a few shared filters and
/// sets from thousands of interfaces on dozens of devices, for several targets: lowering and
/// rendering each of them once per compile instead of once per use is most of what makes
/// emitting fast. Keys are compared by reference, so a filter made with <c>with</c> is a new
/// key; they are held weakly, so the remembered values go away with the model they came from.
/// Safe to use from several threads (a value may be worked out twice, never mixed up).
/// </summary>
internal sealed class ModelMemo<TKey, TVariant, TValue>
    where TKey : class
    where TVariant : notnull
{
    private readonly ConditionalWeakTable<TKey, Variants> _values = new();

    public TValue Get(TKey key, TVariant variant, Func<TKey, TVariant, TValue> compute)
    {
        var variants = _values.GetValue(key, static _ => new Variants());
        if (variants.TryGet(variant, out var value)) return value;
        value = compute(key, variant);
        return variants.Add(variant, value);
    }

    /// <summary>The few variants of one key (a family, a protocol): a short list is smaller and faster than a dictionary.</summary>
    private sealed class Variants
    {
        private (TVariant Variant, TValue Value)[] _items = [];

        public bool TryGet(TVariant variant, out TValue value)
        {
            foreach (var item in Volatile.Read(ref _items))
            {
                if (EqualityComparer<TVariant>.Default.Equals(item.Variant, variant))
                {
                    value = item.Value;
                    return true;
                }
            }
            value = default!;
            return false;
        }

        /// <summary>Adds the value unless another thread got there first; returns the one kept.</summary>
        public TValue Add(TVariant variant, TValue value)
        {
            lock (this)
            {
                if (TryGet(variant, out var existing)) return existing;
                Volatile.Write(ref _items, [.. _items, (variant, value)]);
                return value;
            }
        }
    }
}

/// <summary>A <see cref="ModelMemo{TKey, TVariant, TValue}"/> with one value per model object.</summary>
/// <remarks>
/// TValue carries the annotation <see cref="ConditionalWeakTable{TKey, TValue}"/> declares for its
/// GetOrCreateValue (never called here), so a Native AOT publish of mpolc analyses clean (IL2091).
/// </remarks>
internal sealed class ModelMemo<TKey, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TValue>
    where TKey : class
    where TValue : class
{
    private readonly ConditionalWeakTable<TKey, TValue> _values = new();

    public TValue Get(TKey key, Func<TKey, TValue> compute) =>
        _values.TryGetValue(key, out var value) ? value : _values.GetValue(key, k => compute(k));
}
