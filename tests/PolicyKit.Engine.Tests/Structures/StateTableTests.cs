using PolicyKit.Engine.State;

namespace PolicyKit.Engine.Tests.Structures;

/// <summary>The state table against a dictionary: lookups, removal (backward-shift in the index), growth, and expiry order.</summary>
public sealed class StateTableTests
{
    private readonly record struct Key(int Value) : IEquatable<Key>
    {
        // A deliberately poor hash: long probe runs, so deletion shifts are exercised.
        public override int GetHashCode() => Value % 97;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Behaves_like_a_dictionary_with_expiry(int seed)
    {
        var random = new Random(seed);
        var table = new StateTable<Key, int>(4);
        var model = new Dictionary<int, (int Value, long Expiry)>();
        long now = 0;
        for (int step = 0; step < 50_000; step++)
        {
            now += random.Next(3);
            int k = random.Next(600);
            int slot = table.Find(new Key(k));
            Assert.Equal(model.ContainsKey(k), slot >= 0);
            switch (random.Next(5))
            {
                case 0 or 1 when slot < 0:
                    long expiry = random.Next(8) == 0 ? StateTable<Key, int>.Never : now + random.Next(1, 200);
                    table.Add(new Key(k), step, expiry);
                    model[k] = (step, expiry);
                    break;
                case 2 when slot >= 0:
                    table.Remove(slot);
                    model.Remove(k);
                    break;
                case 3 when slot >= 0:
                    Assert.Equal(model[k].Value, table.Value(slot));
                    long later = Math.Max(model[k].Expiry, now + random.Next(1, 200));
                    if (model[k].Expiry == StateTable<Key, int>.Never) later = StateTable<Key, int>.Never;
                    table.Extend(slot, later);
                    model[k] = (model[k].Value, later);
                    break;
                case 4 when slot >= 0:
                    long any = random.Next(4) == 0 ? StateTable<Key, int>.Never : now + random.Next(1, 200);
                    table.SetExpiry(slot, any);
                    model[k] = (model[k].Value, any);
                    break;
            }
            // Expire: exactly the entries due by now, and nothing else.
            int due;
            while ((due = table.NextExpired(now)) >= 0)
            {
                int key = table.Key(due).Value;
                Assert.True(model[key].Expiry <= now, $"step {step}: {key} expired early");
                model.Remove(key);
                table.Remove(due);
            }
            Assert.DoesNotContain(model, e => e.Value.Expiry <= now);
            Assert.Equal(model.Count, table.Count);
        }
        foreach (var (k, v) in model) Assert.Equal(v.Value, table.Value(table.Find(new Key(k))));
    }
}
