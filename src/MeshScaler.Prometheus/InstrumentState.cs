using System.Diagnostics.Metrics;

namespace MeshScaler.Prometheus;

/// <summary>What the collector keeps for one instrument; measurement callbacks land here.</summary>
internal abstract class InstrumentState
{
    protected InstrumentState(Instrument instrument, MetricType type, long sequence)
    {
        Instrument = instrument;
        Type = type;
        Sequence = sequence;
    }

    public Instrument Instrument { get; }

    public MetricType Type { get; }

    /// <summary>Publication order; breaks ties between instruments of the same meter and instrument name.</summary>
    public long Sequence { get; }

    /// <summary>True when the instrument reports through a callback at scrape time.</summary>
    public virtual bool IsObservable => false;

    /// <summary>A measurement from an integer instrument (byte, short, int, long).</summary>
    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>A measurement from a floating-point or decimal instrument.</summary>
    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Called before observable instruments are observed, so series the callback no longer reports drop out.</summary>
    public virtual void BeginObservation()
    {
    }

    public abstract IReadOnlyList<MetricSeries> Snapshot();

    public MetricFamily ToFamily() =>
        new(Instrument.Name, Instrument.Unit, Type, Instrument.Description, Snapshot(), Instrument.Meter.Name);
}
